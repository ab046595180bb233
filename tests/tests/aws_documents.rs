//! `S3Documents` against moto's S3: the documents contract, S3's own checksum, tampering,
//! presigned uploads, and the bucket's protections.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketVersioningStatus, ChecksumAlgorithm, ChecksumMode, ObjectLockEnabled, ObjectLockRetentionMode,
};
use axum::body::Bytes;
use std::time::Duration;
use vedtak::adapters::aws_schema::bucket::{OBJECT_LOCK_DAYS, OBJECT_LOCK_MODE};
use vedtak::adapters::contract::documents_contract;
use vedtak::adapters::s3::{checksum_of, create_bucket, key_of, tls_only_policy, S3Documents};
use vedtak::domain::Sha256Hex;
use vedtak::ports::{DocumentError, Documents};
use vedtak_tests::moto;

const PDF: &[u8] = b"%PDF-1.4\n% tjenesteavtale, signert\n";

async fn documents() -> (S3Documents, aws_sdk_s3::Client, String) {
    let (client, bucket) = moto::fresh_bucket().await;
    (S3Documents::new(client.clone(), bucket.clone()), client, bucket)
}

#[tokio::test]
async fn s3_documents_keep_the_documents_contract() {
    let (docs, _, _) = documents().await;
    documents_contract(&docs).await;
}

#[tokio::test]
async fn s3_stores_our_sha256_as_the_objects_checksum() {
    let (docs, client, bucket) = documents().await;
    let meta = docs.put(Bytes::from_static(PDF), "application/pdf").await.unwrap();
    let sha = Sha256Hex::of(PDF);
    assert_eq!(meta.sha256, sha);

    let head = client
        .head_object()
        .bucket(&bucket)
        .key(format!("documents/{sha}"))
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.checksum_sha256(),
        Some(checksum_of(&sha).as_str()),
        "S3's checksum is ours"
    );
    assert_eq!(head.content_length(), Some(PDF.len() as i64));
    assert_eq!(head.content_type(), Some("application/pdf"));
    // The default retention applies to every document without being asked for.
    assert_eq!(head.object_lock_mode().map(|m| m.as_str()), Some(OBJECT_LOCK_MODE));
    let until = head.object_lock_retain_until_date().expect("retained").secs();
    let days = (until - chrono::Utc::now().timestamp()) as f64 / 86_400.0;
    assert!((days - f64::from(OBJECT_LOCK_DAYS)).abs() < 1.0, "retained {days} days");
}

#[tokio::test]
async fn a_document_overwritten_behind_our_back_reads_as_corrupt_and_a_put_restores_it() {
    let (docs, client, bucket) = documents().await;
    let meta = docs.put(Bytes::from_static(PDF), "application/pdf").await.unwrap();
    // Object Lock forbids destroying the stored version, not adding a newer one: with the raw
    // client, a new current version with other bytes under the document's key (and their own,
    // true, SHA-256 checksum).
    client
        .put_object()
        .bucket(&bucket)
        .key(key_of(&meta.sha256))
        .checksum_algorithm(ChecksumAlgorithm::Sha256)
        .body(ByteStream::from_static(b"%PDF-1.4\n% forfalsket\n"))
        .send()
        .await
        .unwrap();

    match docs.get(&meta.sha256).await {
        Err(DocumentError::Corrupt(sha)) => assert_eq!(sha, meta.sha256.to_string()),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let meta_now = docs.meta(&meta.sha256).await;
    assert!(
        matches!(meta_now, Err(DocumentError::Corrupt(_))),
        "S3's checksum names other bytes: {meta_now:?}"
    );

    let again = docs.put(Bytes::from_static(PDF), "text/plain").await.unwrap();
    assert_eq!(
        again, meta,
        "putting the true bytes again is the same document, first content type kept"
    );
    let (got_meta, bytes) = docs.get(&meta.sha256).await.unwrap().expect("restored");
    assert_eq!((got_meta, bytes.as_ref()), (meta.clone(), PDF));

    let versions = client
        .list_object_versions()
        .bucket(&bucket)
        .prefix(key_of(&meta.sha256))
        .send()
        .await
        .unwrap();
    assert_eq!(
        versions.versions().len(),
        3,
        "the original, the forgery and the restored one are all kept"
    );
}

#[tokio::test]
async fn concurrent_puts_of_the_same_bytes_make_one_document() {
    let (docs, client, bucket) = documents().await;
    let docs = std::sync::Arc::new(docs);
    let puts: Vec<_> = ["application/pdf", "text/plain", "application/octet-stream", "image/png"]
        .into_iter()
        .cycle()
        .take(8)
        .map(|content_type| {
            let docs = docs.clone();
            tokio::spawn(async move { docs.put(Bytes::from_static(PDF), content_type).await.unwrap() })
        })
        .collect();
    let mut metas = Vec::new();
    for put in puts {
        metas.push(put.await.unwrap());
    }
    let stored = docs.meta(&Sha256Hex::of(PDF)).await.unwrap().expect("stored");
    assert!(
        metas.iter().all(|m| *m == stored),
        "every put answers with the one stored meta: {metas:?}"
    );
    let versions = client
        .list_object_versions()
        .bucket(&bucket)
        .prefix(key_of(&stored.sha256))
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 1, "written once");
}

#[tokio::test]
async fn a_forged_checksum_does_not_fool_get() {
    let (docs, client, bucket) = documents().await;
    let meta = docs.put(Bytes::from_static(PDF), "application/pdf").await.unwrap();
    // Other bytes claiming the document's own checksum. S3 verifies the claim and refuses the
    // write (BadDigest); moto stores the claim unverified. Either way nothing may read as the
    // document: S3 leaves the true bytes, and on moto our own hash check must catch it.
    let forged = client
        .put_object()
        .bucket(&bucket)
        .key(key_of(&meta.sha256))
        .checksum_sha256(checksum_of(&meta.sha256))
        .body(ByteStream::from_static(b"%PDF-1.4\n% forfalsket\n"))
        .send()
        .await;
    let got = docs.get(&meta.sha256).await;
    match forged {
        Err(_) => assert_eq!(got.unwrap().map(|(_, b)| b), Some(Bytes::from_static(PDF))),
        Ok(_) => assert!(
            matches!(got, Err(DocumentError::Corrupt(_))),
            "expected Corrupt, got {got:?}"
        ),
    }
}

#[tokio::test]
async fn a_presigned_upload_lands_and_is_bound_to_its_bytes() {
    let (docs, client, bucket) = documents().await;
    let body: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
    let sha = Sha256Hex::of(&body);
    let before = chrono::Utc::now();
    let upload = docs
        .presign_upload(&sha, "application/pdf", body.len() as u64, Duration::from_secs(900))
        .await
        .unwrap()
        .expect("S3 presigns uploads");
    assert_eq!(upload.method, "PUT");
    assert!(upload.url.contains(&format!("/documents/{sha}?")), "{}", upload.url);
    assert!(upload.url.contains("X-Amz-Signature="), "{}", upload.url);
    assert_eq!(
        upload.headers.get("content-type").map(String::as_str),
        Some("application/pdf")
    );
    assert_eq!(upload.headers.get("x-amz-checksum-sha256"), Some(&checksum_of(&sha)));
    assert_eq!(
        upload.headers.get("x-amz-sdk-checksum-algorithm").map(String::as_str),
        Some("SHA256")
    );
    // The headers to send are exactly those the signature covers, but `host` (in the URL).
    let mut signed = signed_headers(&upload.url);
    signed.retain(|h| h != "host");
    assert_eq!(upload.headers.keys().cloned().collect::<Vec<_>>(), signed);
    assert_eq!(upload.headers.get("content-length"), Some(&body.len().to_string()));
    let expiry = upload.expires_at - before;
    assert!(
        expiry <= chrono::Duration::seconds(901) && expiry >= chrono::Duration::seconds(899),
        "{expiry}"
    );

    assert_eq!(docs.meta(&sha).await.unwrap(), None, "nothing there before the upload");
    let status = put(&upload, body.clone()).await;
    assert!(status.is_success(), "the presigned upload is accepted: {status}");
    let meta = docs.meta(&sha).await.unwrap().expect("the upload is found");
    assert_eq!(
        (meta.size, meta.content_type.as_str()),
        (body.len() as u64, "application/pdf")
    );
    assert_eq!(
        docs.get(&sha).await.unwrap().map(|(_, b)| b),
        Some(Bytes::from(body.clone()))
    );
    let head = client
        .head_object()
        .bucket(&bucket)
        .key(key_of(&sha))
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.checksum_sha256(),
        Some(checksum_of(&sha).as_str()),
        "the upload carried the checksum"
    );

    // The same URL and headers with other bytes of the same length. S3 refuses them (the
    // checksum does not match); moto 5.2 checks neither checksums nor signatures and stores
    // them as a new version, which our own check then finds. Either way the document never
    // reads as other bytes.
    let mut other = body.clone();
    other[0] ^= 0xff;
    let status = put(&upload, other).await;
    let got = docs.get(&sha).await;
    if status.is_success() {
        assert!(
            matches!(got, Err(DocumentError::Corrupt(_))),
            "expected Corrupt, got {got:?}"
        );
    } else {
        assert!(status.is_client_error(), "{status}");
        assert_eq!(got.unwrap().map(|(_, b)| b), Some(Bytes::from(body)));
    }
}

async fn put(upload: &vedtak::ports::PresignedUpload, body: Vec<u8>) -> reqwest::StatusCode {
    let mut request = reqwest::Client::new().put(&upload.url);
    for (name, value) in &upload.headers {
        request = request.header(name, value);
    }
    request.body(body).send().await.expect("PUT to moto").status()
}

/// The `X-Amz-SignedHeaders` of a presigned URL.
fn signed_headers(url: &str) -> Vec<String> {
    let url = reqwest::Url::parse(url).unwrap();
    let signed = url
        .query_pairs()
        .find(|(k, _)| k == "X-Amz-SignedHeaders")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    signed.split(';').map(str::to_owned).collect()
}

#[tokio::test]
async fn the_bucket_is_made_as_the_template_makes_it_locked_versioned_encrypted_and_not_public() {
    let (client, bucket) = moto::fresh_bucket().await;

    let lock = client
        .get_object_lock_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let lock = lock.object_lock_configuration().expect("object lock configured");
    assert_eq!(lock.object_lock_enabled(), Some(&ObjectLockEnabled::Enabled));
    let retention = lock
        .rule()
        .and_then(|r| r.default_retention())
        .expect("default retention");
    assert_eq!(retention.mode(), Some(&ObjectLockRetentionMode::from(OBJECT_LOCK_MODE)));
    assert_eq!(retention.days(), Some(OBJECT_LOCK_DAYS));

    // moto answers GetBucketVersioning with the root element `GetBucketVersioningResponse`
    // where S3 says `VersioningConfiguration`; the SDK refuses that, so read moto's answer from
    // the raw response. (On S3 the parsed answer is used.)
    let status = match client.get_bucket_versioning().bucket(&bucket).send().await {
        Ok(versioning) => versioning.status().map(|s| s.as_str().to_owned()),
        Err(e) => {
            let body = e.raw_response().and_then(|r| r.body().bytes()).unwrap_or_default();
            let body = String::from_utf8_lossy(body);
            body.contains("<Status>Enabled</Status>").then(|| "Enabled".to_owned())
        }
    };
    assert_eq!(status.as_deref(), Some(BucketVersioningStatus::Enabled.as_str()));

    let block = client.get_public_access_block().bucket(&bucket).send().await.unwrap();
    let block = block.public_access_block_configuration().expect("public access block");
    assert_eq!(
        (
            block.block_public_acls(),
            block.ignore_public_acls(),
            block.block_public_policy(),
            block.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );

    let encryption = client.get_bucket_encryption().bucket(&bucket).send().await.unwrap();
    let algorithms: Vec<&str> = encryption
        .server_side_encryption_configuration()
        .map(|c| c.rules())
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.apply_server_side_encryption_by_default())
        .map(|d| d.sse_algorithm().as_str())
        .collect();
    assert_eq!(algorithms, ["AES256"]);

    let ownership = client
        .get_bucket_ownership_controls()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let rules = ownership.ownership_controls().map(|c| c.rules()).unwrap_or_default();
    let ownership: Vec<&str> = rules.iter().map(|r| r.object_ownership().as_str()).collect();
    assert_eq!(ownership, ["BucketOwnerEnforced"]);

    let lifecycle = client
        .get_bucket_lifecycle_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let aborts: Vec<(Option<&str>, Option<i32>)> = lifecycle
        .rules()
        .iter()
        .map(|r| {
            let days = r
                .abort_incomplete_multipart_upload()
                .and_then(|a| a.days_after_initiation());
            (r.id(), days)
        })
        .collect();
    assert_eq!(aborts, [(Some("abort-incomplete-uploads"), Some(1))]);

    // moto is reached over plain HTTP, where the TLS-only policy would lock us out: left out.
    let policy = client.get_bucket_policy().bucket(&bucket).send().await;
    let code = policy
        .as_ref()
        .err()
        .and_then(|e| aws_sdk_s3::error::ProvideErrorMetadata::code(e));
    assert_eq!(code, Some("NoSuchBucketPolicy"), "{policy:?}");

    assert!(
        !create_bucket(&client, &bucket, moto::REGION).await.unwrap(),
        "creating it again finds it owned and leaves it"
    );
}

/// Why `create_bucket` leaves the TLS-only policy out over plain HTTP: moto ignores the policy's
/// `aws:SecureTransport` condition, so the Deny applies to every object request. Should a later
/// moto evaluate the condition, this fails, and the policy can be tested on moto over TLS.
#[tokio::test]
async fn moto_denies_every_object_request_under_the_tls_only_policy() {
    let client = moto::s3().await;
    let bucket = format!("vedtak-policy-{}", std::process::id());
    let location = aws_sdk_s3::types::CreateBucketConfiguration::builder()
        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(moto::REGION))
        .build();
    client
        .create_bucket()
        .bucket(&bucket)
        .create_bucket_configuration(location)
        .send()
        .await
        .unwrap();
    client
        .put_bucket_policy()
        .bucket(&bucket)
        .policy(tls_only_policy(&bucket))
        .send()
        .await
        .expect("moto accepts the policy");
    let put = client
        .put_object()
        .bucket(&bucket)
        .key("documents/x")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await;
    let status = put
        .as_ref()
        .err()
        .and_then(|e| e.raw_response())
        .map(|r| r.status().as_u16());
    assert_eq!(status, Some(403), "{put:?}");
}
