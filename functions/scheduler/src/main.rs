//! The scheduler function, run every minute by EventBridge Scheduler: the deadline sweep, then
//! the outbox entries whose retry has come due.

use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::{json, Value};
use std::sync::Arc;
use vedtak::adapters::http_webhooks::HttpWebhookSender;
use vedtak::aws::{AwsBackend, AwsConfig};
use vedtak::clock::SystemClock;
use vedtak::dispatch::Dispatcher;
use vedtak::service::{Engine, SigningPorts};
use vedtak::webhooks::deliver::Deliverer;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    vedtak::telemetry::init_json();
    let backend = AwsBackend::connect(AwsConfig::from_env()?).await;
    let clock = Arc::new(SystemClock);
    let signing = SigningPorts {
        keys: backend.keys.clone(),
        documents: backend.documents.clone(),
    };
    let engine = Arc::new(Engine::new(backend.store.clone(), clock.clone()).with_signing(signing));
    let dispatcher = Arc::new(Dispatcher {
        store: backend.store.clone(),
        mailer: backend.mailer.clone(),
        clock,
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
    lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| {
        let (engine, dispatcher) = (engine.clone(), dispatcher.clone());
        async move {
            let report = vedtak::sweep::sweep(&engine, engine.now()).await?;
            let retried = dispatcher.run_once().await?;
            tracing::info!(
                lapsed = report.lapsed,
                envelopes_expired = report.envelopes_expired,
                signers_reminded = report.signers_reminded,
                retried,
                "sweep done"
            );
            Ok::<Value, lambda_runtime::Error>(json!({
                "lapsed": report.lapsed,
                "envelopes_expired": report.envelopes_expired,
                "signers_reminded": report.signers_reminded,
                "effects_done": retried,
            }))
        }
    }))
    .await
}
