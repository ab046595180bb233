//! `S3Documents`: content-addressed documents in an S3 bucket, for the AWS backend.
//!
//! A document with SHA-256 `ab12…` is the object `documents/ab12…`; its meta is the object's own
//! size and `Content-Type`, so there is nothing beside the bytes that could disagree with them.
//! Every write carries the SHA-256 as S3's own checksum (`x-amz-checksum-sha256`), so S3 refuses
//! bytes that do not match it, and the bucket's Object Lock keeps every version for the retention
//! period. Every read re-hashes the bytes all the same: an emulator does not verify checksums,
//! and the key, not the store's word, is what a document is.
//!
//! Beside this file: `bucket.rs` makes the bucket (and says why each setting is there),
//! `presign.rs` makes presigned uploads, `repair.rs` restores a document whose stored bytes were
//! replaced behind our back.

mod bucket;
mod presign;
mod repair;
#[cfg(test)]
mod tests;

pub use bucket::{create_bucket, tls_only_policy};

use crate::adapters::aws_schema::bucket::DOCUMENTS_PREFIX;
use crate::domain::Sha256Hex;
use crate::ports::{DocumentError, DocumentMeta, Documents, PresignedUpload};
use async_trait::async_trait;
use aws_sdk_s3::config::ResponseChecksumValidation;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::operation::head_object::HeadObjectError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode};
use base64::Engine as _;
use bytes::Bytes;
use std::time::Duration;

/// The content type of an object stored without one (never by vedtak).
const UNKNOWN_CONTENT_TYPE: &str = "application/octet-stream";

/// Documents in one bucket.
#[derive(Debug, Clone)]
pub struct S3Documents {
    client: aws_sdk_s3::Client,
    bucket: String,
}

/// What a HeadObject says about a stored document.
struct Stored {
    meta: DocumentMeta,
    /// The SHA-256 checksum S3 keeps for the current version (base64), if it was given one.
    checksum: Option<String>,
}

/// The object key of a document: `documents/{sha256}`.
pub fn key_of(sha: &Sha256Hex) -> String {
    format!("{DOCUMENTS_PREFIX}{sha}")
}

/// The SHA-256 as S3 writes checksums: base64 of the 32 digest bytes.
pub fn checksum_of(sha: &Sha256Hex) -> String {
    // A `Sha256Hex` is 64 hex digits by construction, so this cannot fail.
    let digest = hex::decode(sha.as_str()).expect("a Sha256Hex is hex");
    base64::engine::general_purpose::STANDARD.encode(digest)
}

impl S3Documents {
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    async fn head(&self, sha: &Sha256Hex) -> Result<Option<Stored>, DocumentError> {
        let key = key_of(sha);
        let request = self.client.head_object().bucket(&self.bucket).key(&key);
        let out = match request.checksum_mode(ChecksumMode::Enabled).send().await {
            Ok(out) => out,
            Err(e) if matches!(e.as_service_error(), Some(HeadObjectError::NotFound(_))) => return Ok(None),
            Err(e) => return Err(self.unavailable("HeadObject", &key, e)),
        };
        let meta = DocumentMeta {
            sha256: sha.clone(),
            size: out.content_length().and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
            content_type: out.content_type().unwrap_or(UNKNOWN_CONTENT_TYPE).to_owned(),
        };
        let checksum = out.checksum_sha256().map(str::to_owned);
        Ok(Some(Stored { meta, checksum }))
    }

    /// PutObject with the SHA-256 checksum; `only_new` adds `If-None-Match: *`. `Ok(false)`
    /// when that condition failed: an object is there already (S3 answers 412, or 409 while
    /// another conditional write of the same key is in flight).
    async fn write(
        &self,
        bytes: Bytes,
        sha: &Sha256Hex,
        content_type: &str,
        only_new: bool,
    ) -> Result<bool, DocumentError> {
        let key = key_of(sha);
        let mut request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type(content_type)
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .checksum_sha256(checksum_of(sha))
            .body(ByteStream::from(bytes));
        if only_new {
            request = request.if_none_match("*");
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(e) if only_new && matches!(e.code(), Some("PreconditionFailed" | "ConditionalRequestConflict")) => {
                Ok(false)
            }
            Err(e) => Err(self.unavailable("PutObject", &key, e)),
        }
    }

    fn unavailable<E, R>(&self, operation: &str, key: &str, e: SdkError<E, R>) -> DocumentError
    where
        E: std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        // The error's text (code and message) names no credentials; the raw response is not shown.
        DocumentError::Unavailable(format!(
            "S3 {operation} {}/{key}: {}",
            self.bucket,
            DisplayErrorContext(&e)
        ))
    }
}

#[async_trait]
impl Documents for S3Documents {
    async fn presign_upload(
        &self,
        sha256: &Sha256Hex,
        content_type: &str,
        size: u64,
        expires_in: Duration,
    ) -> Result<Option<PresignedUpload>, DocumentError> {
        self.presign(sha256, content_type, size, expires_in).await.map(Some)
    }

    async fn put(&self, bytes: Bytes, content_type: &str) -> Result<DocumentMeta, DocumentError> {
        let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
        let sha = Sha256Hex::parse(&hex::encode(digest.as_ref())).map_err(|e| DocumentError::Unavailable(e.0))?;
        let size = bytes.len() as u64;
        // Twice at most: a put that loses the race to create the object reads the winner's.
        for _ in 0..2 {
            if let Some(stored) = self.head(&sha).await? {
                let intact = stored.meta.size == size && stored.checksum.as_deref() == Some(checksum_of(&sha).as_str());
                if !intact {
                    let content_type = self.restore(&sha, bytes, content_type).await?;
                    return Ok(DocumentMeta {
                        size,
                        content_type,
                        ..stored.meta
                    });
                }
                return Ok(DocumentMeta { size, ..stored.meta });
            }
            if self.write(bytes.clone(), &sha, content_type, true).await? {
                return Ok(DocumentMeta {
                    sha256: sha,
                    size,
                    content_type: content_type.to_owned(),
                });
            }
        }
        Err(DocumentError::Unavailable(format!(
            "S3 {}/{}: the object exists but cannot be read",
            self.bucket,
            key_of(&sha)
        )))
    }

    async fn get(&self, sha256: &Sha256Hex) -> Result<Option<(DocumentMeta, Bytes)>, DocumentError> {
        let key = key_of(sha256);
        // The SDK would check S3's stored checksum while reading and fail with a transport-like
        // error; the check below is stricter (against the key itself) and says `Corrupt`.
        let out = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .customize()
            .config_override(
                aws_sdk_s3::Config::builder().response_checksum_validation(ResponseChecksumValidation::WhenRequired),
            )
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if matches!(e.as_service_error(), Some(GetObjectError::NoSuchKey(_))) => return Ok(None),
            Err(e) => return Err(self.unavailable("GetObject", &key, e)),
        };
        let content_type = out.content_type().unwrap_or(UNKNOWN_CONTENT_TYPE).to_owned();
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|e| DocumentError::Unavailable(format!("S3 GetObject {}/{key}: {e}", self.bucket)))?
            .into_bytes();
        if Sha256Hex::of(&bytes) != *sha256 {
            return Err(DocumentError::Corrupt(sha256.to_string()));
        }
        let meta = DocumentMeta {
            sha256: sha256.clone(),
            size: bytes.len() as u64,
            content_type,
        };
        Ok(Some((meta, bytes)))
    }

    async fn meta(&self, sha256: &Sha256Hex) -> Result<Option<DocumentMeta>, DocumentError> {
        let Some(stored) = self.head(sha256).await? else {
            return Ok(None);
        };
        // A checksum that names other bytes is damage known without reading them.
        if stored.checksum.is_some_and(|c| c != checksum_of(sha256)) {
            return Err(DocumentError::Corrupt(sha256.to_string()));
        }
        Ok(Some(stored.meta))
    }
}
