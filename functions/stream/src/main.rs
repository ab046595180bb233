//! The stream function: performs the effects that commits wrote to the outbox, as the table's
//! DynamoDB stream delivers them, and reports partial batch failures.

use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;
use std::sync::Arc;
use vedtak::adapters::http_webhooks::HttpWebhookSender;
use vedtak::aws::{AwsBackend, AwsConfig};
use vedtak::clock::SystemClock;
use vedtak::dispatch::Dispatcher;
use vedtak::webhooks::deliver::Deliverer;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    vedtak::telemetry::init_json();
    let backend = AwsBackend::connect(AwsConfig::from_env()?).await;
    let dispatcher = Arc::new(Dispatcher {
        store: backend.store.clone(),
        mailer: backend.mailer.clone(),
        clock: Arc::new(SystemClock),
        base_url: backend.config.base_url.clone(),
        keys: Some(backend.keys.clone()),
        // Never to private addresses on AWS: the guard is what keeps user URLs off the VPC.
        webhooks: Some(Arc::new(Deliverer {
            store: backend.store.clone(),
            sender: Arc::new(HttpWebhookSender { allow_private: false }),
            clock: Arc::new(SystemClock),
            // A delivery that fails for good also goes to the webhook dead-letter queue.
            dead_letters: backend.dead_letters.clone(),
            passes: Default::default(),
        })),
    });
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let dispatcher = dispatcher.clone();
        async move { Ok::<Value, lambda_runtime::Error>(vedtak::stream::handle_batch(&dispatcher, &event.payload).await) }
    }))
    .await
}
