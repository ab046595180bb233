//! Restoring a document whose current version is not its bytes: someone with write access put
//! other bytes under its key (Object Lock keeps versions from being destroyed, not from being
//! superseded). A put of the true bytes writes them back as the newest version, with the
//! content type of the document's first intact version, so "the first content type wins" holds
//! through the damage too. The versions in between stay, for whoever investigates.

use super::{checksum_of, key_of, S3Documents};
use crate::domain::Sha256Hex;
use crate::ports::DocumentError;
use aws_sdk_s3::types::ChecksumMode;
use bytes::Bytes;

impl S3Documents {
    /// Writes `bytes` (whose SHA-256 is `sha`) as the current version again; returns the
    /// content type it was given: the first intact version's, else `fallback` (the caller's:
    /// with no version of ours left, the stored content type is as untrustworthy as the bytes).
    pub(super) async fn restore(&self, sha: &Sha256Hex, bytes: Bytes, fallback: &str) -> Result<String, DocumentError> {
        tracing::warn!(sha256 = %sha, bucket = %self.bucket, "stored document damaged; restoring it");
        let content_type = match self.first_intact_content_type(sha, bytes.len() as u64).await {
            Ok(Some(content_type)) => content_type,
            Ok(None) => fallback.to_owned(),
            // Listing versions needs more permissions than anything else here; restoring the
            // bytes matters more than their original content type.
            Err(e) => {
                tracing::warn!(sha256 = %sha, error = %e, "cannot read the document's versions");
                fallback.to_owned()
            }
        };
        self.write(bytes, sha, &content_type, false).await?;
        Ok(content_type)
    }

    /// The content type of the oldest version of `sha`'s key that carries its SHA-256 checksum.
    async fn first_intact_content_type(&self, sha: &Sha256Hex, size: u64) -> Result<Option<String>, DocumentError> {
        let key = key_of(sha);
        let listed = self
            .client
            .list_object_versions()
            .bucket(&self.bucket)
            .prefix(&key)
            .send()
            .await
            .map_err(|e| self.unavailable("ListObjectVersions", &key, e))?;
        let checksum = checksum_of(sha);
        // S3 lists the versions of a key newest first.
        let versions = listed.versions().iter().rev().filter(|v| v.key() == Some(key.as_str()));
        for version in versions {
            let (Some(id), Some(true)) = (version.version_id(), version.size().map(|s| s as u64 == size)) else {
                continue;
            };
            let head = self
                .client
                .head_object()
                .bucket(&self.bucket)
                .key(&key)
                .version_id(id)
                .checksum_mode(ChecksumMode::Enabled)
                .send()
                .await
                .map_err(|e| self.unavailable("HeadObject", &key, e))?;
            if head.checksum_sha256() == Some(checksum.as_str()) {
                return Ok(head.content_type().map(str::to_owned));
            }
        }
        Ok(None)
    }
}
