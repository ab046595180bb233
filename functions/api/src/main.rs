//! The API function: the very same axum router as `vedtak serve`, behind API Gateway.
//! Configuration is read and clients are built once, outside the handler.

use std::sync::Arc;
use vedtak::aws::{AwsBackend, AwsConfig};
use vedtak::clock::SystemClock;
use vedtak::http::{router, AppState};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    vedtak::telemetry::init_json();
    let config = AwsConfig::from_env()?;
    let backend = AwsBackend::connect(config).await;
    let state = AppState {
        engine: Arc::new(backend.engine(Arc::new(SystemClock))),
        documents: backend.documents.clone(),
        travel: None, // never on AWS: the clock cannot be moved
        admin_token_hash: None,
        dispatcher: None, // effects are performed by the stream function
        base_url: backend.config.base_url.clone(),
        behind_proxy: true, // API Gateway: the client address comes in X-Forwarded-For
        allow_private_webhooks: false,
    };
    lambda_http::run(router(state)).await
}
