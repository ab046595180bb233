//! Signing keys kept in a Secrets Manager secret (moto's): read at their first use, never when the
//! backend is built, then kept for the life of the process; a failed read is tried again, and
//! no error carries the secret's value.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use vedtak::adapters::secretsmanager::SecretsManagerKeys;
use vedtak::aws::{AwsBackend, AwsConfig, KeysSetting};
use vedtak::signing::keys::{KeySource, Keys};
use vedtak_tests::moto;

fn unique(what: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "vedtak-{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The backend as `AwsBackend::connect` assembles it, with the keys in secret `secret_id`. The
/// table, bucket and mail clients point at `elsewhere`: nothing here may use them.
fn backend(secret_id: &str, secretsmanager: aws_sdk_secretsmanager::Client, elsewhere: &str) -> AwsBackend {
    let credentials = aws_sdk_s3::config::Credentials::new("test", "test", None, None, "test");
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new(moto::REGION))
            .endpoint_url(elsewhere)
            .credentials_provider(credentials.clone())
            .build(),
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new(moto::REGION))
            .endpoint_url(elsewhere)
            .credentials_provider(credentials.clone())
            .force_path_style(true)
            .build(),
    );
    let sesv2 = aws_sdk_sesv2::Client::from_conf(
        aws_sdk_sesv2::Config::builder()
            .behavior_version(aws_sdk_sesv2::config::BehaviorVersion::latest())
            .region(aws_sdk_sesv2::config::Region::new(moto::REGION))
            .endpoint_url(elsewhere)
            .credentials_provider(credentials)
            .build(),
    );
    let config = AwsConfig {
        table: "vedtak-keys-test".into(),
        bucket: "vedtak-keys-test".into(),
        base_url: "http://127.0.0.1".into(),
        mail_from: moto::MAIL_FROM.into(),
        keys: KeysSetting::SecretsManager(secret_id.into()),
        webhook_dlq_url: None,
    };
    AwsBackend::from_clients(
        config,
        dynamodb,
        s3,
        sesv2,
        Some(secretsmanager),
        None,
        moto::REGION.into(),
    )
}

async fn put_secret(name: &str, value: &str) -> String {
    let created = moto::secretsmanager()
        .create_secret()
        .name(name)
        .secret_string(value)
        .send()
        .await
        .expect("create the secret");
    created.arn().expect("the secret's ARN").to_owned()
}

#[tokio::test]
async fn keys_in_a_secret_are_read_at_first_use_and_then_kept_for_the_life_of_the_process() {
    let name = unique("keys");
    // Built before the secret even exists: building reads nothing.
    let backend = backend(&name, moto::secretsmanager(), "http://127.0.0.1:1");
    let missing = backend.keys.keys().await.err().expect("no secret yet").to_string();
    assert!(
        missing.contains(&name) && missing.contains("no such secret"),
        "{missing}"
    );

    // A failed read is not kept: once the secret is there, the next use reads it.
    let (original, json) = Keys::generate("2026-11");
    let arn = put_secret(&name, &json).await;
    let keys = backend.keys.keys().await.expect("the keys, read from the secret");
    assert_eq!(keys.sealing.public(), original.sealing.public());
    assert_eq!(keys.published(), original.published());
    let nonce = vedtak::signing::links::nonce();
    assert_eq!(
        keys.link.code("env_a", 0, &nonce),
        original.link.code("env_a", 0, &nonce)
    );

    // Kept: a new value in the secret does not reach a process that has read it already...
    let (rotated, rotated_json) = Keys::rotate(&json, "2027-05").unwrap();
    moto::secretsmanager()
        .put_secret_value()
        .secret_id(&arn)
        .secret_string(&rotated_json)
        .send()
        .await
        .expect("put the rotated keys");
    let again = backend.keys.keys().await.unwrap();
    assert!(Arc::ptr_eq(&keys, &again), "read once, not on every use");

    // ...but does reach a new one, here by ARN as the SAM stack names it.
    let fresh = self::backend(&arn, moto::secretsmanager(), "http://127.0.0.1:1");
    let read = fresh.keys.keys().await.expect("the rotated keys");
    assert_eq!(read.published(), rotated.published());
    let ids: Vec<String> = read.published().keys.into_iter().map(|k| k.key_id).collect();
    assert_eq!(ids, ["2027-05", "2026-11"]);
}

#[tokio::test]
async fn a_missing_secret_or_one_that_holds_no_keys_fails_without_leaking_its_value() {
    let (_, keys_json) = Keys::generate("2026-11");
    let mut broken: serde_json::Value = serde_json::from_str(&keys_json).unwrap();
    // Base64, but not a PKCS#8 key; and a link key that must never appear anywhere.
    broken["sealing_key"] = "c2VjcmV0LXNlYWxpbmcta2V5LW1hdGVyaWFsLXRoYXQtbXVzdC1ub3QtbGVhaw==".into();
    let secret_values = [
        broken["sealing_key"].as_str().unwrap().to_owned(),
        broken["link_key"].as_str().unwrap().to_owned(),
    ];
    let name = unique("broken");
    put_secret(&name, &broken.to_string()).await;
    let source = SecretsManagerKeys::new(moto::secretsmanager(), &name);
    let err = source.keys().await.err().expect("not keys").to_string();
    assert!(err.contains(&name) && err.contains("not usable keys"), "{err}");
    let debug = format!("{source:?}");
    for value in &secret_values {
        assert!(!err.contains(value.as_str()), "the error leaks the secret: {err}");
        assert!(!debug.contains(value.as_str()), "Debug leaks the secret: {debug}");
    }

    // A secret that exists, read fine: Debug still shows only its name.
    let name = unique("good");
    put_secret(&name, &keys_json).await;
    let source = SecretsManagerKeys::new(moto::secretsmanager(), &name);
    source.keys().await.expect("keys");
    let debug = format!("{source:?}");
    let good: serde_json::Value = serde_json::from_str(&keys_json).unwrap();
    for field in ["sealing_key", "link_key"] {
        assert!(!debug.contains(good[field].as_str().unwrap()), "{debug}");
    }
    assert!(debug.contains(&name) && debug.contains("read: true"), "{debug}");

    // Missing: the service's answer and a hint, naming the secret but nothing else in moto.
    let name = unique("missing");
    let err = SecretsManagerKeys::new(moto::secretsmanager(), &name)
        .keys()
        .await
        .err()
        .expect("no such secret")
        .to_string();
    assert!(
        err.contains(&name) && err.contains("ResourceNotFoundException") && err.contains("vedtak keys new"),
        "{err}"
    );
    for value in secret_values
        .iter()
        .chain([&good["link_key"].as_str().unwrap().to_owned()])
    {
        assert!(!err.contains(value.as_str()), "{err}");
    }
}

#[tokio::test]
async fn building_the_backend_makes_no_request_and_each_use_tries_again_until_a_read_succeeds() {
    // An endpoint that counts connections and closes each one at once: every request to it fails.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    let secretsmanager = aws_sdk_secretsmanager::Client::from_conf(
        aws_sdk_secretsmanager::Config::builder()
            .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
            .region(aws_sdk_secretsmanager::config::Region::new(moto::REGION))
            .endpoint_url(&endpoint)
            .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .retry_config(aws_sdk_secretsmanager::config::retry::RetryConfig::disabled())
            .build(),
    );
    let secret = "arn:aws:secretsmanager:eu-north-1:123456789012:secret:vedtak-keys-AbCdEf";
    let backend = backend(secret, secretsmanager, &endpoint);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(connections.load(Ordering::SeqCst), 0, "building made a request");

    let err = backend.keys.keys().await.err().expect("the endpoint fails").to_string();
    assert!(
        err.contains(secret) && err.contains("cannot reach Secrets Manager"),
        "{err}"
    );
    let after_one = connections.load(Ordering::SeqCst);
    assert!(after_one >= 1, "the first use reads the secret");
    backend.keys.keys().await.err().expect("fails again");
    assert!(
        connections.load(Ordering::SeqCst) > after_one,
        "a failed read is not kept"
    );
}

#[tokio::test]
async fn a_response_that_cannot_be_read_is_not_echoed_in_the_error() {
    // A server that answers every request with a success whose body breaks off mid-way, after
    // a secret value: an error that showed the raw response would show the secret.
    const SECRET: &str = "do-not-echo-this-sealing-key-material";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = vec![0u8; 64 * 1024];
            let _ = stream.read(&mut request).await;
            let body = format!(r#"{{"Name":"vedtak-keys","SecretString":"{SECRET}","VersionId":"#);
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    let client = aws_sdk_secretsmanager::Client::from_conf(
        aws_sdk_secretsmanager::Config::builder()
            .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
            .region(aws_sdk_secretsmanager::config::Region::new(moto::REGION))
            .endpoint_url(&endpoint)
            .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .retry_config(aws_sdk_secretsmanager::config::retry::RetryConfig::disabled())
            .build(),
    );
    let err = SecretsManagerKeys::new(client, "vedtak-keys")
        .keys()
        .await
        .err()
        .expect("an unreadable answer")
        .to_string();
    assert!(
        err.contains("vedtak-keys") && err.contains("could not be read"),
        "{err}"
    );
    assert!(!err.contains(SECRET), "the error echoes the response: {err}");
}
