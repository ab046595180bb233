//! The AWS backend on the emulators with counting clients, served in-process on loopback.

use super::counter::{Counting, Counts};
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use std::ops::RangeInclusive;
use std::sync::Arc;
use vedtak::adapters::dynamodb::DynamoStore;
use vedtak::adapters::http_webhooks::HttpWebhookSender;
use vedtak::aws::{AwsBackend, AwsConfig, KeysSetting};
use vedtak::dispatch::Dispatcher;
use vedtak::webhooks::deliver::Deliverer;
use vedtak_bench::lifecycle::{Mailbox, PROGRAM};
use vedtak_bench::mailbox::addressed_to;
use vedtak_bench::Result;
use vedtak_tests::{dynamodb_local, moto, Options, TestApp};

fn credentials() -> Credentials {
    Credentials::new("test", "test", None, None, "emulator")
}

/// A server on the AWS backend whose SDK clients count into `counts`, with the program and a
/// program admin key (made while `counts` is paused). Effects are held: the caller performs
/// them, as the stream function would.
pub async fn counted_app(counts: Arc<Counts>) -> Result<(TestApp, AwsBackend, String)> {
    let region = Region::new(moto::REGION);
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(dynamodb_local::endpoint())
            .region(region.clone())
            .credentials_provider(credentials())
            .interceptor(Counting(counts.clone()))
            .build(),
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(moto::endpoint())
            .region(region.clone())
            .credentials_provider(credentials())
            .force_path_style(true)
            .interceptor(Counting(counts.clone()))
            .build(),
    );
    // Verifies the sender in moto's SES (with a client of its own, not counted).
    moto::sesv2().await;
    let sesv2 = aws_sdk_sesv2::Client::from_conf(
        aws_sdk_sesv2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(moto::endpoint())
            .region(region)
            .credentials_provider(credentials())
            .interceptor(Counting(counts.clone()))
            .build(),
    );
    let name = format!("vedtak-bench-{}", std::process::id());
    DynamoStore::create_table(&dynamodb, &name).await?;
    vedtak::adapters::s3::create_bucket(&s3, &name, moto::REGION).await?;
    let config = AwsConfig {
        table: name.clone(),
        bucket: name,
        base_url: String::new(),
        mail_from: moto::MAIL_FROM.into(),
        keys: KeysSetting::Json(vedtak::signing::keys::Keys::generate("bench-aws").1),
        webhook_dlq_url: None,
    };
    let backend = AwsBackend::from_clients(config, dynamodb, s3, sesv2, None, None, moto::REGION.into());
    let app = vedtak_tests::spawn_with(Options {
        aws_backend: Some(backend.clone()),
        hold_effects: true,
        ..Default::default()
    })
    .await;
    let key = app.create_program("2030-12-31").await;
    Ok((app, backend, key))
}

/// The outbox dispatcher as the stream function runs it: e-mails through SES, state-change
/// messages fanned out to webhook subscriptions (none here).
pub fn dispatcher(app: &TestApp, backend: &AwsBackend) -> Dispatcher {
    let clock = app.engine.clock.clone();
    Dispatcher {
        store: backend.store.clone(),
        mailer: backend.mailer.clone(),
        clock: clock.clone(),
        base_url: app.address.clone(),
        keys: Some(backend.keys.clone()),
        webhooks: Some(Arc::new(Deliverer {
            store: backend.store.clone(),
            sender: Arc::new(HttpWebhookSender { allow_private: false }),
            clock,
            dead_letters: None,
            passes: Default::default(),
        })),
    }
}

/// The mails moto's SES accepted, found by their Message-ID (`<{program}_{number}_{version}_{index}@vedtak>`).
pub struct MotoMailbox;

#[async_trait::async_trait]
impl Mailbox for MotoMailbox {
    async fn mail(&self, number: &str, versions: RangeInclusive<u64>, to: &str) -> Result<String> {
        let sent = moto::sent_emails().await;
        for version in versions.clone() {
            for index in 0..4 {
                let id = format!("<{PROGRAM}_{number}_{version}_{index}@vedtak>");
                if let Some(mail) = sent.iter().find(|m| m.raw.contains(&id) && addressed_to(&m.raw, to)) {
                    return Ok(mail.raw.clone());
                }
            }
        }
        Err(format!("no e-mail to {to} from {number} at versions {versions:?}").into())
    }
}
