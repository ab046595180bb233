//! Counts every request the AWS SDK clients send (each attempt, so retries count too), by
//! service and operation, through an interceptor on each client. Writes are also weighed in
//! DynamoDB write request units from the items in the request.

use aws_sdk_dynamodb::config::ConfigBag;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Requests by `Service.Operation`, and the write units of the DynamoDB writes among them.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Tally {
    pub requests: BTreeMap<String, u64>,
    pub write_units: u64,
    pub index_write_units: u64,
}

impl Tally {
    pub fn total(&self) -> u64 {
        self.requests.values().sum()
    }

    pub fn add(&mut self, other: &Tally) {
        for (op, n) in &other.requests {
            *self.requests.entry(op.clone()).or_default() += n;
        }
        self.write_units += other.write_units;
        self.index_write_units += other.index_write_units;
    }
}

#[derive(Debug, Default)]
pub struct Counts {
    paused: AtomicBool,
    tally: Mutex<Tally>,
}

impl Counts {
    /// Requests made while paused (the harness's own set-up) are not counted.
    pub fn pause(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
    }

    /// What was counted since the last take.
    pub fn take(&self) -> Tally {
        std::mem::take(&mut *self.tally.lock().unwrap())
    }
}

#[derive(Debug, Clone)]
pub struct Counting(pub Arc<Counts>);

impl Intercept for Counting {
    fn name(&self) -> &'static str {
        "Counting"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.0.paused.load(Ordering::SeqCst) {
            return Ok(());
        }
        let (service, operation) = cfg.load::<Metadata>().map_or(("?".to_owned(), "?".to_owned()), |m| {
            (m.service().to_owned(), m.name().to_owned())
        });
        let body = context.request().body().bytes().unwrap_or_default();
        let (units, index_units) = if service == "DynamoDB" {
            write_units(&operation, body)
        } else {
            (0, 0)
        };
        let mut tally = self.0.tally.lock().unwrap();
        *tally.requests.entry(format!("{service}.{operation}")).or_default() += 1;
        tally.write_units += units;
        tally.index_write_units += index_units;
        Ok(())
    }
}

/// Write request units of a DynamoDB write: 1 per started KB of each item written (2 inside a
/// transaction), plus 1 per started KB for each item that carries the `due` index's key (the
/// index copy; `ALL` projection). A delete is counted as 1 unit. Item size is the sum of the
/// attribute names and values, as DynamoDB measures it.
fn write_units(operation: &str, body: &[u8]) -> (u64, u64) {
    let request: Value = serde_json::from_slice(body).unwrap_or_default();
    let kb = |item: &Value| item_size(item).div_ceil(1024).max(1);
    let indexed = |item: &Value| item.get("due_pk").is_some();
    match operation {
        "TransactWriteItems" => {
            let items = request["TransactItems"].as_array().cloned().unwrap_or_default();
            let puts: Vec<&Value> = items.iter().filter_map(|i| i.get("Put").map(|p| &p["Item"])).collect();
            let units = puts.iter().map(|i| 2 * kb(i)).sum();
            (units, puts.iter().filter(|i| indexed(i)).map(|i| kb(i)).sum())
        }
        "PutItem" => {
            let item = &request["Item"];
            (kb(item), if indexed(item) { kb(item) } else { 0 })
        }
        "DeleteItem" | "UpdateItem" => (1, 0),
        _ => (0, 0),
    }
}

/// Size of an item in DynamoDB's JSON: names plus values (strings by UTF-8 length, numbers as
/// their digits, which is close to DynamoDB's own rule for the small numbers stored here).
fn item_size(item: &Value) -> u64 {
    let Some(attributes) = item.as_object() else {
        return 0;
    };
    attributes
        .iter()
        .map(|(name, value)| {
            let value_len = value
                .as_object()
                .and_then(|typed| typed.values().next())
                .and_then(Value::as_str)
                .map_or(0, str::len);
            (name.len() + value_len) as u64
        })
        .sum()
}
