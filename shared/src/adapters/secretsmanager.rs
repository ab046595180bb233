//! `SecretsManagerKeys`: the signing keys (their JSON, see `signing::keys`) kept in an AWS
//! Secrets Manager secret.
//!
//! Nothing is fetched when the source is built: a Lambda function makes no network call before
//! its first event, and one that never signs never reads the secret. The first `keys()` reads
//! it; the keys are then kept for the life of the process (a rotation reaches a function when
//! Lambda starts new instances, e.g. after the next deploy). A failed read is not kept, so the
//! next use tries again. No error ever carries the secret's value: only the secret's name and
//! what went wrong.

use super::sdk_errors::{chain, sources};
use crate::signing::keys::{KeySource, Keys};
use crate::signing::seal::KeyError;
use async_trait::async_trait;
use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueError;
use std::sync::Arc;
use tokio::sync::OnceCell;

pub struct SecretsManagerKeys {
    client: aws_sdk_secretsmanager::Client,
    /// The secret's ARN or name (not secret itself).
    secret_id: String,
    keys: OnceCell<Arc<Keys>>,
}

impl SecretsManagerKeys {
    /// Makes no request; see the module documentation.
    pub fn new(client: aws_sdk_secretsmanager::Client, secret_id: impl Into<String>) -> Self {
        SecretsManagerKeys {
            client,
            secret_id: secret_id.into(),
            keys: OnceCell::new(),
        }
    }

    async fn fetch(&self) -> Result<Arc<Keys>, KeyError> {
        let unavailable =
            |why: String| KeyError::Unavailable(format!("Secrets Manager secret {}: {why}", self.secret_id));
        let output = self
            .client
            .get_secret_value()
            .secret_id(&self.secret_id)
            .send()
            .await
            .map_err(|e| unavailable(format!("cannot read it: {}", describe(&e))))?;
        let json = match (output.secret_string(), output.secret_binary()) {
            (Some(text), _) => text.to_owned(),
            (None, Some(blob)) => String::from_utf8(blob.as_ref().to_vec())
                .map_err(|_| unavailable("its binary value is not UTF-8 text".into()))?,
            (None, None) => return Err(unavailable("it has no value".into())),
        };
        // `from_json` never echoes what it was given.
        let keys = Keys::from_json(&json).map_err(|e| unavailable(format!("its value is not usable keys: {e}")))?;
        tracing::info!(secret = %self.secret_id, key_id = %keys.sealing.key_id, "signing keys read from Secrets Manager");
        Ok(Arc::new(keys))
    }
}

/// What went wrong, from parts that cannot hold the secret's value: the service's error code and
/// message, or the chain of a connection or request-building error. Never the SDK's own
/// `Display`/`Debug` of the whole error: for a response it could not read, those show the raw
/// response, body included, and that body may be the secret.
fn describe(e: &SdkError<GetSecretValueError>) -> String {
    match e {
        SdkError::ServiceError(service) => {
            let err = service.err();
            let hint = if err.is_resource_not_found_exception() {
                " (no such secret, or no value put into it yet: see docs/deploy.md, `vedtak keys new`)"
            } else {
                ""
            };
            match err.code() {
                Some(code) => format!("{code}: {}{hint}", err.message().unwrap_or("no message")),
                // An answer the SDK could not make sense of: it has no code, and its body is
                // not shown, for it may be the secret.
                None => "Secrets Manager's answer could not be read".into(),
            }
        }
        SdkError::DispatchFailure(failure) => match failure.as_connector_error() {
            Some(connector) => format!("cannot reach Secrets Manager: {}", chain(connector)),
            None => "cannot reach Secrets Manager".into(),
        },
        SdkError::TimeoutError(_) => "Secrets Manager did not answer in time".into(),
        SdkError::ConstructionFailure(_) => format!("the request could not be made: {}", sources(e)),
        SdkError::ResponseError(_) => "Secrets Manager's response could not be read".into(),
        _ => "unknown error".into(),
    }
}

impl std::fmt::Debug for SecretsManagerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the keys: only where they come from and whether they were read.
        f.debug_struct("SecretsManagerKeys")
            .field("secret_id", &self.secret_id)
            .field("read", &self.keys.initialized())
            .finish()
    }
}

#[async_trait]
impl KeySource for SecretsManagerKeys {
    async fn keys(&self) -> Result<Arc<Keys>, KeyError> {
        // Concurrent first uses wait for one read; an error leaves the cell empty.
        self.keys.get_or_try_init(|| self.fetch()).await.cloned()
    }
}
