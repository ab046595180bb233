//! Creating the document bucket where it does not exist yet (`vedtak aws-init`, emulators, tests).
//! On AWS `template.yaml` creates it; this makes the same bucket (its `DocumentsBucket` and
//! `DocumentsBucketPolicy`, but the stack's tags), and both take the retention from
//! `aws_schema::bucket`.
//!
//! Each setting, and why:
//! - Object Lock, default retention from `aws_schema::bucket`: a sealed document cannot be
//!   deleted or overwritten in place for the retention period. Object Lock can only be turned on
//!   when the bucket is created, and it turns versioning on with it;
//! - versioning, set explicitly as well, so the bucket says so even where a store does not infer
//!   it from Object Lock: a write to an existing key adds a version, never destroys one;
//! - public access blocked, all four switches: documents are reached through the API or a
//!   presigned URL, never anonymously;
//! - default encryption SSE-S3 (AES256): at rest, with no key for vedtak to manage;
//! - object ownership "bucket owner enforced": ACLs play no part, only policies do;
//! - a lifecycle rule that aborts multipart uploads left unfinished for a day: they cost
//!   storage and are never read;
//! - a policy denying every request not made over TLS.

use crate::adapters::aws_schema::bucket::{OBJECT_LOCK_DAYS, OBJECT_LOCK_MODE};
use crate::ports::DocumentError;
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::operation::create_bucket::CreateBucketError;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketLocationConstraint, BucketVersioningStatus,
    CreateBucketConfiguration, DefaultRetention, ExpirationStatus, LifecycleRule, LifecycleRuleFilter,
    ObjectLockConfiguration, ObjectLockEnabled, ObjectLockRetentionMode, ObjectLockRule, ObjectOwnership,
    OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    VersioningConfiguration,
};
use std::time::Duration;

/// As `template.yaml`'s lifecycle rule of the same id.
const ABORT_UPLOADS_RULE: &str = "abort-incomplete-uploads";
const ABORT_UPLOADS_AFTER_DAYS: i32 = 1;

/// The bucket policy that refuses plain HTTP: Deny `s3:*` on the bucket and its objects when
/// `aws:SecureTransport` is false.
pub fn tls_only_policy(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }]
    })
    .to_string()
}

/// Creates the bucket `name` in `region` with every setting above; `Ok(false)` when this account
/// owns it already, which is then left exactly as it is. (In us-east-1 S3 answers a repeated
/// create with success, so there the settings are applied again; they are the same settings.)
///
/// The TLS-only policy is left out, with a warning, when `client` itself reaches the bucket over
/// plain HTTP: it would lock this very client out. That is only ever an emulator (moto, which on
/// top of that ignores the policy's condition and so would deny every object request on any
/// transport) or a mistaken endpoint.
pub async fn create_bucket(client: &aws_sdk_s3::Client, name: &str, region: &str) -> Result<bool, DocumentError> {
    let mut create = client.create_bucket().bucket(name).object_lock_enabled_for_bucket(true);
    // us-east-1 is the default location and refuses to be named as a constraint.
    if region != "us-east-1" {
        let location = CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(region))
            .build();
        create = create.create_bucket_configuration(location);
    }
    match create.send().await {
        Ok(_) => {}
        Err(e)
            if matches!(
                e.as_service_error(),
                Some(CreateBucketError::BucketAlreadyOwnedByYou(_))
            ) =>
        {
            return Ok(false)
        }
        Err(e) => return Err(failed(name, "CreateBucket", e, false)),
    }

    let retention = DefaultRetention::builder()
        .mode(ObjectLockRetentionMode::from(OBJECT_LOCK_MODE))
        .days(OBJECT_LOCK_DAYS)
        .build();
    let lock = ObjectLockConfiguration::builder()
        .object_lock_enabled(ObjectLockEnabled::Enabled)
        .rule(ObjectLockRule::builder().default_retention(retention).build())
        .build();
    client
        .put_object_lock_configuration()
        .bucket(name)
        .object_lock_configuration(lock)
        .send()
        .await
        .map_err(|e| failed(name, "PutObjectLockConfiguration", e, true))?;

    let block = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    client
        .put_public_access_block()
        .bucket(name)
        .public_access_block_configuration(block)
        .send()
        .await
        .map_err(|e| failed(name, "PutPublicAccessBlock", e, true))?;

    let by_default = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::Aes256)
        .build()
        .map_err(settings)?;
    let encryption = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(by_default)
                .build(),
        )
        .build()
        .map_err(settings)?;
    client
        .put_bucket_encryption()
        .bucket(name)
        .server_side_encryption_configuration(encryption)
        .send()
        .await
        .map_err(|e| failed(name, "PutBucketEncryption", e, true))?;

    let versioning = VersioningConfiguration::builder()
        .status(BucketVersioningStatus::Enabled)
        .build();
    client
        .put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(versioning)
        .send()
        .await
        .map_err(|e| failed(name, "PutBucketVersioning", e, true))?;

    let ownership = OwnershipControls::builder()
        .rules(
            OwnershipControlsRule::builder()
                .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                .build()
                .map_err(settings)?,
        )
        .build()
        .map_err(settings)?;
    client
        .put_bucket_ownership_controls()
        .bucket(name)
        .ownership_controls(ownership)
        .send()
        .await
        .map_err(|e| failed(name, "PutBucketOwnershipControls", e, true))?;

    let abort = LifecycleRule::builder()
        .id(ABORT_UPLOADS_RULE)
        .status(ExpirationStatus::Enabled)
        // An empty prefix: every object, as the template's rule without a filter.
        .filter(LifecycleRuleFilter::builder().prefix("").build())
        .abort_incomplete_multipart_upload(
            AbortIncompleteMultipartUpload::builder()
                .days_after_initiation(ABORT_UPLOADS_AFTER_DAYS)
                .build(),
        )
        .build()
        .map_err(settings)?;
    let lifecycle = BucketLifecycleConfiguration::builder()
        .rules(abort)
        .build()
        .map_err(settings)?;
    client
        .put_bucket_lifecycle_configuration()
        .bucket(name)
        .lifecycle_configuration(lifecycle)
        .send()
        .await
        .map_err(|e| failed(name, "PutBucketLifecycleConfiguration", e, true))?;

    if reached_over_plain_http(client, name).await {
        tracing::warn!(
            bucket = name,
            "the S3 endpoint is plain HTTP: the TLS-only bucket policy is not set, as it would refuse this client"
        );
    } else {
        client
            .put_bucket_policy()
            .bucket(name)
            .policy(tls_only_policy(name))
            .send()
            .await
            .map_err(|e| failed(name, "PutBucketPolicy", e, true))?;
    }
    Ok(true)
}

/// Whether `client` talks to the bucket over plain HTTP. Presigning resolves the endpoint
/// exactly as a request would, without sending anything. When it cannot tell, the answer is
/// `false`, so the policy is set: the safe side.
async fn reached_over_plain_http(client: &aws_sdk_s3::Client, bucket: &str) -> bool {
    let Ok(config) = PresigningConfig::expires_in(Duration::from_secs(60)) else {
        return false;
    };
    match client.get_object().bucket(bucket).key("probe").presigned(config).await {
        Ok(request) => request.uri().starts_with("http://"),
        Err(_) => false,
    }
}

/// A setting that the SDK's builder refuses: a mistake in this file.
fn settings(e: aws_sdk_s3::error::BuildError) -> DocumentError {
    DocumentError::Unavailable(format!("bucket settings: {e}"))
}

fn failed<E, R>(bucket: &str, step: &str, e: SdkError<E, R>, created: bool) -> DocumentError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let e = DisplayErrorContext(&e);
    if created {
        // Creating again would answer "already owned" and skip the rest, so say how to recover.
        DocumentError::Unavailable(format!(
            "bucket {bucket} was created, but {step} failed: {e}; delete the (empty) bucket and run again"
        ))
    } else {
        DocumentError::Unavailable(format!("S3 {step} {bucket}: {e}"))
    }
}
