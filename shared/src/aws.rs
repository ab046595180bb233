//! The AWS backend assembled from the environment: DynamoDB for state, S3 for documents, SES
//! for e-mail. The Lambda functions and `vedtak serve --backend aws` build it once, at start.
//! Building it makes no network call: credentials and endpoints are resolved lazily by the SDK,
//! so a function is ready for its first event as soon as its process is.

use crate::adapters::{dynamodb::DynamoStore, s3::S3Documents, ses::SesMailer};
use crate::signing::keys::{KeySource, Keys, StaticKeys};
use crate::signing::seal::KeyError;
use aws_config::retry::RetryConfig;
use aws_config::BehaviorVersion;
use std::sync::Arc;

/// What the AWS backend needs besides the standard AWS environment (`AWS_REGION`,
/// credentials, and `AWS_ENDPOINT_URL[_DYNAMODB|_S3|_SESV2]` for local stand-ins).
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
}

/// `VEDTAK_KEYS` (the keys JSON itself, for emulators and tests) or nothing: without keys,
/// everything but signing works, and signing answers 503.
#[derive(Clone)]
pub enum KeysSetting {
    Json(String),
    None,
}

impl std::fmt::Debug for KeysSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the keys themselves.
        f.write_str(match self {
            KeysSetting::Json(_) => "Json(<redacted>)",
            KeysSetting::None => "None",
        })
    }
}

impl KeysSetting {
    pub fn source(&self) -> Arc<dyn KeySource> {
        match self {
            KeysSetting::Json(json) => match Keys::from_json(json) {
                Ok(keys) => Arc::new(StaticKeys(Arc::new(keys))),
                Err(e) => Arc::new(NoKeys(e.to_string())),
            },
            KeysSetting::None => Arc::new(NoKeys("no signing keys are configured (VEDTAK_KEYS)".into())),
        }
    }
}

/// Keys that are missing or broken: every use says why.
struct NoKeys(String);

#[async_trait::async_trait]
impl KeySource for NoKeys {
    async fn keys(&self) -> Result<Arc<Keys>, KeyError> {
        Err(KeyError::Rejected(self.0.clone()))
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
            keys: var("VEDTAK_KEYS").map_or(KeysSetting::None, KeysSetting::Json),
        })
    }
}

/// The three adapters and the SDK clients under them.
#[derive(Clone)]
pub struct AwsBackend {
    pub config: AwsConfig,
    pub store: Arc<DynamoStore>,
    pub documents: Arc<S3Documents>,
    pub mailer: Arc<SesMailer>,
    pub keys: Arc<dyn KeySource>,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub region: String,
}

impl AwsBackend {
    pub async fn connect(config: AwsConfig) -> AwsBackend {
        // Throttling and transient errors are retried by the SDK (standard mode, jittered
        // exponential backoff). Conditional-check failures are not retried: they are answers.
        let shared = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(4))
            .load()
            .await;
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
        Self::from_clients(config, dynamodb, s3, sesv2, region)
    }

    /// From clients built elsewhere (tests point them at emulators without touching the
    /// process environment).
    pub fn from_clients(
        config: AwsConfig,
        dynamodb: aws_sdk_dynamodb::Client,
        s3: aws_sdk_s3::Client,
        sesv2: aws_sdk_sesv2::Client,
        region: String,
    ) -> AwsBackend {
        AwsBackend {
            store: Arc::new(DynamoStore::new(dynamodb.clone(), config.table.clone())),
            documents: Arc::new(S3Documents::new(s3.clone(), config.bucket.clone())),
            mailer: Arc::new(SesMailer::new(sesv2, config.mail_from.clone())),
            keys: config.keys.source(),
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
