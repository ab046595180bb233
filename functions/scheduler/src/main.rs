//! The scheduler function, run every minute by EventBridge Scheduler: the deadline sweep, then
//! the outbox entries whose retry has come due.

use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::{json, Value};
use std::sync::Arc;
use vedtak::aws::{AwsBackend, AwsConfig};
use vedtak::clock::SystemClock;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    vedtak::telemetry::init_json();
    let backend = AwsBackend::connect(AwsConfig::from_env()?).await;
    let clock = Arc::new(SystemClock);
    let engine = Arc::new(backend.engine(clock.clone()));
    let dispatcher = Arc::new(backend.dispatcher(clock));
    lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| {
        let (engine, dispatcher) = (engine.clone(), dispatcher.clone());
        async move {
            let report = vedtak::sweep::sweep(&engine, engine.now()).await?;
            let retried = dispatcher.run_once().await?;
            tracing::info!(
                lapsed = report.lapsed,
                deadline_reminders = report.deadline_reminders,
                envelopes_expired = report.envelopes_expired,
                signers_reminded = report.signers_reminded,
                retried,
                "sweep done"
            );
            Ok::<Value, lambda_runtime::Error>(json!({
                "lapsed": report.lapsed,
                "deadline_reminders": report.deadline_reminders,
                "envelopes_expired": report.envelopes_expired,
                "signers_reminded": report.signers_reminded,
                "effects_done": retried,
            }))
        }
    }))
    .await
}
