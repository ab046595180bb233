//! The AWS backend assembled from the environment: DynamoDB for state, S3 for documents, SES
//! for e-mail, SQS for webhook deliveries that failed for good. The Lambda functions and
//! `vedtak serve --backend aws` build it once, at start. Building it makes no network call:
//! credentials and endpoints are resolved lazily by the SDK, TLS is set up at the first request
//! (aws_http_client.rs), and the signing keys are read from Secrets Manager at their first use,
//! so a function is ready for its first event as soon as its process is.

use crate::adapters::secretsmanager::SecretsManagerKeys;
use crate::adapters::sqs::SqsDeadLetters;
use crate::adapters::{dynamodb::DynamoStore, s3::S3Documents, ses::SesMailer};
use crate::ports::{DeadLetterError, DeadLetters};
use crate::signing::keys::{KeySource, Keys, StaticKeys};
use crate::signing::seal::KeyError;
use aws_config::retry::RetryConfig;
use aws_config::BehaviorVersion;
use std::sync::Arc;

/// What the AWS backend needs besides the standard AWS environment (`AWS_REGION`,
/// credentials, and `AWS_ENDPOINT_URL[_DYNAMODB|_S3|_SESV2|_SECRETS_MANAGER|_SQS]` for local
/// stand-ins).
#[derive(Debug, Clone)]
pub struct AwsConfig {
    /// `VEDTAK_TABLE`
    pub table: String,
    /// `VEDTAK_BUCKET`
    pub bucket: String,
    /// `VEDTAK_BASE_URL`: where people reach the API (links in e-mails).
    pub base_url: String,
    /// `VEDTAK_MAIL_FROM`: the SES-verified sender.
    pub mail_from: String,
    /// Where the signing keys come from.
    pub keys: KeysSetting,
    /// `VEDTAK_WEBHOOK_DLQ_URL`: the SQS queue that gets a copy of each webhook delivery that
    /// fails for good. Unset: none does (the deliveries list still shows them).
    pub webhook_dlq_url: Option<String>,
}

/// The environment variable naming the Secrets Manager secret that holds the keys JSON.
pub const KEYS_SECRET_ENV: &str = "VEDTAK_KEYS_SECRET_ARN";
/// The environment variable holding the keys JSON itself.
pub const KEYS_JSON_ENV: &str = "VEDTAK_KEYS";
/// The environment variable naming the SQS queue (by URL) for failed webhook deliveries.
pub const WEBHOOK_DLQ_ENV: &str = "VEDTAK_WEBHOOK_DLQ_URL";

/// Where the signing keys come from, in this order: `VEDTAK_KEYS_SECRET_ARN` (a Secrets
/// Manager secret, by ARN or name, read at first use: what the SAM stack sets), `VEDTAK_KEYS`
/// (the keys JSON itself, for emulators and tests), or nothing: without keys, everything but
/// signing works, and signing answers 503.
#[derive(Clone)]
pub enum KeysSetting {
    SecretsManager(String),
    Json(String),
    None,
}

impl std::fmt::Debug for KeysSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the keys themselves; the secret's name is not secret.
        match self {
            KeysSetting::SecretsManager(id) => f.debug_tuple("SecretsManager").field(id).finish(),
            KeysSetting::Json(_) => f.write_str("Json(<redacted>)"),
            KeysSetting::None => f.write_str("None"),
        }
    }
}

impl KeysSetting {
    /// From the environment, as `lookup` reads it (blank values count as unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> KeysSetting {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(id) = var(KEYS_SECRET_ENV) {
            KeysSetting::SecretsManager(id.trim().to_owned())
        } else if let Some(json) = var(KEYS_JSON_ENV) {
            KeysSetting::Json(json)
        } else {
            KeysSetting::None
        }
    }

    /// The source of the keys; makes no request. A secret needs the Secrets Manager client.
    pub fn source(&self, secretsmanager: Option<&aws_sdk_secretsmanager::Client>) -> Arc<dyn KeySource> {
        match self {
            KeysSetting::SecretsManager(id) => match secretsmanager {
                Some(client) => Arc::new(SecretsManagerKeys::new(client.clone(), id.clone())),
                None => Arc::new(NoKeys(format!(
                    "{KEYS_SECRET_ENV} is set, but the backend was built without a Secrets Manager client"
                ))),
            },
            KeysSetting::Json(json) => match Keys::from_json(json) {
                Ok(keys) => Arc::new(StaticKeys(Arc::new(keys))),
                Err(e) => Arc::new(NoKeys(format!("{KEYS_JSON_ENV}: {e}"))),
            },
            KeysSetting::None => Arc::new(NoKeys(format!(
                "none are configured ({KEYS_SECRET_ENV} or {KEYS_JSON_ENV})"
            ))),
        }
    }
}

/// Keys that are missing or broken: every use says why.
struct NoKeys(String);

#[async_trait::async_trait]
impl KeySource for NoKeys {
    async fn keys(&self) -> Result<Arc<Keys>, KeyError> {
        Err(KeyError::Unavailable(self.0.clone()))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("missing environment variable {0}")]
pub struct MissingEnv(pub &'static str);

impl AwsConfig {
    pub fn from_env() -> Result<Self, MissingEnv> {
        let var = |name: &'static str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or(MissingEnv(name))
        };
        Ok(AwsConfig {
            table: var("VEDTAK_TABLE")?,
            bucket: var("VEDTAK_BUCKET")?,
            base_url: var("VEDTAK_BASE_URL").unwrap_or_default(),
            mail_from: var("VEDTAK_MAIL_FROM").unwrap_or_else(|_| "vedtak <noreply@vedtak.invalid>".into()),
            keys: KeysSetting::from_lookup(|name| std::env::var(name).ok()),
            webhook_dlq_url: std::env::var(WEBHOOK_DLQ_ENV)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty()),
        })
    }

    /// Where failed webhook deliveries go: the queue, if one is configured; makes no request.
    /// A queue needs the SQS client.
    pub fn dead_letters(&self, sqs: Option<&aws_sdk_sqs::Client>) -> Option<Arc<dyn DeadLetters>> {
        let url = self.webhook_dlq_url.as_ref()?;
        Some(match sqs {
            Some(client) => Arc::new(SqsDeadLetters::new(client.clone(), url.clone())),
            None => Arc::new(NoDeadLetters(format!(
                "{WEBHOOK_DLQ_ENV} is set, but the backend was built without an SQS client"
            ))),
        })
    }
}

/// A dead-letter queue that is configured but cannot be used: every use says why.
struct NoDeadLetters(String);

#[async_trait::async_trait]
impl DeadLetters for NoDeadLetters {
    async fn failed(&self, _: &crate::webhooks::Delivery) -> Result<(), DeadLetterError> {
        Err(DeadLetterError(self.0.clone()))
    }
}

/// The adapters and the SDK clients under them.
#[derive(Clone)]
pub struct AwsBackend {
    pub config: AwsConfig,
    pub store: Arc<DynamoStore>,
    pub documents: Arc<S3Documents>,
    pub mailer: Arc<SesMailer>,
    pub keys: Arc<dyn KeySource>,
    /// Where webhook deliveries that fail for good go (`VEDTAK_WEBHOOK_DLQ_URL`); None when
    /// no queue is configured.
    pub dead_letters: Option<Arc<dyn DeadLetters>>,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub region: String,
}

impl AwsBackend {
    pub async fn connect(config: AwsConfig) -> AwsBackend {
        // Throttling and transient errors are retried by the SDK (standard mode, jittered
        // exponential backoff). Conditional-check failures are not retried: they are answers.
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).retry_config(RetryConfig::standard().with_max_attempts(4));
        // TLS is set up at the first request, not at start (aws_http_client).
        if let Some(client) = crate::aws_http_client::sdk_default_connecting_at_first_request() {
            loader = loader.http_client(client);
        }
        let shared = loader.load().await;
        let region = shared
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "eu-north-1".into());
        let dynamodb = aws_sdk_dynamodb::Client::new(&shared);
        // Emulators (moto) serve buckets by path, not by host name.
        let path_style = std::env::var("AWS_ENDPOINT_URL_S3").is_ok() || std::env::var("AWS_ENDPOINT_URL").is_ok();
        let s3_config = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(path_style)
            .build();
        let s3 = aws_sdk_s3::Client::from_conf(s3_config);
        let sesv2 = aws_sdk_sesv2::Client::new(&shared);
        let secretsmanager = aws_sdk_secretsmanager::Client::new(&shared);
        let sqs = aws_sdk_sqs::Client::new(&shared);
        Self::from_clients(config, dynamodb, s3, sesv2, Some(secretsmanager), Some(sqs), region)
    }

    /// From clients built elsewhere (tests point them at emulators without touching the
    /// process environment). `secretsmanager` is needed only when the keys are in a secret,
    /// `sqs` only when there is a queue for failed webhook deliveries.
    pub fn from_clients(
        config: AwsConfig,
        dynamodb: aws_sdk_dynamodb::Client,
        s3: aws_sdk_s3::Client,
        sesv2: aws_sdk_sesv2::Client,
        secretsmanager: Option<aws_sdk_secretsmanager::Client>,
        sqs: Option<aws_sdk_sqs::Client>,
        region: String,
    ) -> AwsBackend {
        AwsBackend {
            store: Arc::new(DynamoStore::new(dynamodb.clone(), config.table.clone())),
            documents: Arc::new(S3Documents::new(s3.clone(), config.bucket.clone())),
            mailer: Arc::new(SesMailer::new(sesv2, config.mail_from.clone())),
            keys: config.keys.source(secretsmanager.as_ref()),
            dead_letters: config.dead_letters(sqs.as_ref()),
            dynamodb,
            s3,
            region,
            config,
        }
    }

    /// Creates the table and the bucket where they do not exist yet, exactly as
    /// `template.yaml` defines them (for emulators and first runs). Says what it created.
    pub async fn init(&self) -> Result<Vec<String>, String> {
        let mut created = Vec::new();
        if crate::adapters::dynamodb::create_table(&self.dynamodb, &self.config.table)
            .await
            .map_err(|e| e.to_string())?
        {
            created.push(format!("table {}", self.config.table));
        }
        if crate::adapters::s3::create_bucket(&self.s3, &self.config.bucket, &self.region)
            .await
            .map_err(|e| e.to_string())?
        {
            created.push(format!("bucket {}", self.config.bucket));
        }
        Ok(created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn setting(vars: &[(&str, &str)]) -> KeysSetting {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        KeysSetting::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn a_secret_wins_over_keys_in_the_environment_and_blank_values_count_as_unset() {
        let arn = "arn:aws:secretsmanager:eu-north-1:123456789012:secret:vedtak-keys-AbCdEf";
        let both = setting(&[(KEYS_SECRET_ENV, arn), (KEYS_JSON_ENV, "{}")]);
        assert!(matches!(&both, KeysSetting::SecretsManager(id) if id == arn));
        assert!(matches!(
            setting(&[(KEYS_SECRET_ENV, " "), (KEYS_JSON_ENV, "{}")]),
            KeysSetting::Json(_)
        ));
        assert!(matches!(setting(&[(KEYS_JSON_ENV, "")]), KeysSetting::None));
    }

    #[test]
    fn debug_names_the_secret_but_never_prints_keys() {
        let (_, json) = Keys::generate("debug-1");
        let printed = format!("{:?}", KeysSetting::Json(json.clone()));
        assert_eq!(printed, "Json(<redacted>)");
        let printed = format!("{:?}", KeysSetting::SecretsManager("vedtak-keys".into()));
        assert_eq!(printed, r#"SecretsManager("vedtak-keys")"#);
    }

    #[tokio::test]
    async fn keys_in_a_secret_need_a_secrets_manager_client_and_say_so_without_one() {
        let source = KeysSetting::SecretsManager("vedtak-keys".into()).source(None);
        let err = source.keys().await.err().expect("no client, no keys").to_string();
        assert!(err.contains(KEYS_SECRET_ENV), "{err}");
        let err = KeysSetting::None.source(None).keys().await.err().unwrap().to_string();
        assert!(err.contains(KEYS_SECRET_ENV) && err.contains(KEYS_JSON_ENV), "{err}");
    }

    #[tokio::test]
    async fn failed_deliveries_go_nowhere_without_a_queue_and_a_queue_needs_an_sqs_client() {
        let mut config = AwsConfig {
            table: "t".into(),
            bucket: "b".into(),
            base_url: String::new(),
            mail_from: "vedtak <noreply@vedtak.invalid>".into(),
            keys: KeysSetting::None,
            webhook_dlq_url: None,
        };
        assert!(config.dead_letters(None).is_none());
        config.webhook_dlq_url = Some("https://sqs.eu-north-1.amazonaws.com/123456789012/dlq".into());
        let delivery = crate::adapters::contract::fixtures::delivery("wh_1", "helseplattformen", Utc::now(), "00");
        let dead_letters = config.dead_letters(None).expect("a queue is configured");
        let err = dead_letters.failed(&delivery).await.expect_err("no client").to_string();
        assert!(err.contains(WEBHOOK_DLQ_ENV), "{err}");
    }
}
