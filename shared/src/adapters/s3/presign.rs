//! Presigned uploads: a client puts a large document straight into the bucket, and the
//! signature binds the upload to the one document it may be.

use super::{checksum_of, key_of, S3Documents};
use crate::domain::Sha256Hex;
use crate::ports::{DocumentError, PresignedUpload};
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::ChecksumAlgorithm;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

impl S3Documents {
    /// A presigned PUT whose signature covers the content type, the length and the SHA-256
    /// checksum: S3 refuses the upload unless the client sends exactly those headers, and
    /// refuses bytes whose SHA-256 is not that checksum. SigV4 allows at most seven days.
    pub(super) async fn presign(
        &self,
        sha256: &Sha256Hex,
        content_type: &str,
        size: u64,
        expires_in: Duration,
    ) -> Result<PresignedUpload, DocumentError> {
        let key = key_of(sha256);
        let invalid =
            |what: String| DocumentError::Unavailable(format!("cannot presign {}/{key}: {what}", self.bucket));
        let length = i64::try_from(size).map_err(|_| invalid(format!("size {size} too large")))?;
        // The signature's clock is the real one, whatever the engine's clock says: it is S3
        // that checks the expiry, against its own.
        let start = SystemTime::now();
        let config = PresigningConfig::builder()
            .start_time(start)
            .expires_in(expires_in)
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        let presigned = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type(content_type)
            .content_length(length)
            // Sent as `x-amz-sdk-checksum-algorithm`, which also satisfies Object Lock's demand
            // that every upload to a bucket with default retention carries an integrity header.
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .checksum_sha256(checksum_of(sha256))
            .presigned(config)
            .await
            .map_err(|e| invalid(DisplayErrorContext(&e).to_string()))?;
        // Exactly the headers the signature covers (`X-Amz-SignedHeaders`), except `host`,
        // which the URL carries.
        let headers: BTreeMap<String, String> = presigned
            .headers()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
            .filter(|(name, _)| name != "host")
            .collect();
        Ok(PresignedUpload {
            url: presigned.uri().to_owned(),
            method: presigned.method().to_owned(),
            headers,
            expires_at: (start + expires_in).into(),
        })
    }
}
