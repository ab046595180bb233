//! The stream function: performs the effects that commits wrote to the outbox, as the table's
//! DynamoDB stream delivers them, and reports partial batch failures.

use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;
use std::sync::Arc;
use vedtak::aws::{AwsBackend, AwsConfig};
use vedtak::clock::SystemClock;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    vedtak::telemetry::init_json();
    let backend = AwsBackend::connect(AwsConfig::from_env()?).await;
    let dispatcher = Arc::new(backend.dispatcher(Arc::new(SystemClock)));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let dispatcher = dispatcher.clone();
        async move { Ok::<Value, lambda_runtime::Error>(vedtak::stream::handle_batch(&dispatcher, &event.payload).await) }
    }))
    .await
}
