//! AWS requests per municipality lifecycle: the lifecycle of `vedtak_bench::lifecycle` on the
//! AWS backend (DynamoDB Local and moto on loopback, as the end-to-end tests run them), with
//! every SDK request counted per step, split into the API function's share (the HTTP request)
//! and the stream function's (performing the outbox entries the commit left: e-mails).
//!
//! `aws-requests --out bench/results/aws-requests.json`

mod counter;
mod setup;

use counter::{Counts, Tally};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use vedtak::dispatch::Dispatcher;
use vedtak::ports::Store;
use vedtak_bench::lifecycle::{self, Observer, Target, STEPS};
use vedtak_bench::{arg, Result};

#[derive(Serialize)]
struct Step {
    step: &'static str,
    commits: bool,
    api: Tally,
    /// Outbox entries the stream function performs after this step (one invocation each at
    /// most; batched in practice).
    outbox_entries: usize,
    effects: Tally,
}

struct Counter {
    counts: Arc<Counts>,
    store: Arc<dyn Store>,
    dispatcher: Dispatcher,
    steps: Mutex<Vec<Step>>,
}

#[async_trait::async_trait]
impl Observer for Counter {
    async fn step(&self, _: &str, step: &'static str, _: Duration) -> Result<()> {
        let api = self.counts.take();
        // On AWS the stream hands the function each new outbox entry: reading them is not a
        // request the function makes, so it is not counted here either.
        self.counts.pause(true);
        let pending = self.store.outbox_pending().await?;
        self.counts.pause(false);
        let outbox_entries = pending.len();
        for entry in pending {
            self.dispatcher.handle(entry).await?;
        }
        let effects = self.counts.take();
        let commits = STEPS.iter().any(|(n, c)| *n == step && *c);
        self.steps.lock().unwrap().push(Step {
            step,
            commits,
            api,
            outbox_entries,
            effects,
        });
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let out = arg("--out").unwrap_or_else(|| "bench/results/aws-requests.json".into());
    let counts = Arc::new(Counts::default());
    counts.pause(true);
    let (app, backend, key) = setup::counted_app(counts.clone()).await?;
    let dispatcher = setup::dispatcher(&app, &backend);
    let counter = Counter {
        counts: counts.clone(),
        store: backend.store.clone(),
        dispatcher,
        steps: Mutex::new(Vec::new()),
    };
    let target = Target {
        base: app.address.clone(),
        client: reqwest::Client::new(),
        key,
    };
    counts.take();
    counts.pause(false);
    lifecycle::run(&target, &setup::MotoMailbox, &counter, "5027").await?;
    counts.pause(true);

    let steps = std::mem::take(&mut *counter.steps.lock().unwrap());
    let report = summarize(&steps);
    println!("{}", serde_json::to_string_pretty(&report["totals"])?);
    std::fs::write(&out, serde_json::to_string_pretty(&report)? + "\n")?;
    Ok(())
}

/// Totals per service and operation, and the check that each command is one transaction on
/// its request path: exactly one `TransactWriteItems` and no other DynamoDB write.
fn summarize(steps: &[Step]) -> serde_json::Value {
    let (mut api, mut effects) = (Tally::default(), Tally::default());
    let mut exceptions = Vec::new();
    let mut outside = Vec::new();
    for s in steps {
        api.add(&s.api);
        effects.add(&s.effects);
        let transactions = s.api.requests.get("DynamoDB.TransactWriteItems").copied().unwrap_or(0);
        let other_writes: u64 = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"]
            .iter()
            .filter_map(|op| s.api.requests.get(&format!("DynamoDB.{op}")))
            .sum();
        if s.commits && (transactions != 1 || other_writes != 0) {
            exceptions.push(format!(
                "{}: {transactions} TransactWriteItems, {other_writes} other writes",
                s.step
            ));
        }
        // Requests that are not commands may write too (an upload records its program's grant
        // to the document); they are listed, not counted against the claim.
        if !s.commits && transactions + other_writes > 0 {
            outside.push(format!("{}: {} writes", s.step, transactions + other_writes));
        }
    }
    let mut all = api.clone();
    all.add(&effects);
    let by_service = |t: &Tally| {
        let mut services = std::collections::BTreeMap::<String, u64>::new();
        for (op, n) in &t.requests {
            *services
                .entry(op.split('.').next().unwrap_or("?").to_owned())
                .or_default() += n;
        }
        services
    };
    serde_json::json!({
        "municipality_lifecycles": 1,
        "http_requests": steps.len(),
        "commands": steps.iter().filter(|s| s.commits).count(),
        "stream_invocations": steps.iter().filter(|s| s.outbox_entries > 0).count(),
        "outbox_entries": steps.iter().map(|s| s.outbox_entries).sum::<usize>(),
        "totals": {
            "requests": all.total(),
            "by_service": by_service(&all),
            "api_function": api,
            "stream_function": effects,
        },
        "one_transaction_per_command": exceptions.is_empty(),
        "exceptions": exceptions,
        "writes_outside_commands": outside,
        "steps": steps,
    })
}
