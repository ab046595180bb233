//! Creating the table exactly as `aws_schema::table` defines it (which `template.yaml` must match),
//! for emulators, tests and first runs (`vedtak aws-init`). On AWS the template creates it.

use crate::adapters::aws_schema::table;
use crate::ports::StoreError;
use aws_sdk_dynamodb::error::BuildError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, IndexStatus, KeySchemaElement, KeyType,
    PointInTimeRecoverySpecification, Projection, ProjectionType, ScalarAttributeType, SseSpecification,
    StreamSpecification, StreamViewType, TableStatus, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;
use std::time::{Duration, Instant};

/// On AWS a new table with one index is usually active within a minute; this is generous.
const ACTIVE_TIMEOUT: Duration = Duration::from_secs(300);
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Creates the table `name` (true) or finds it there already (false; it is left as it is).
/// Waits until the new table and its index are active, then enables TTL on `expires_at` and,
/// where the backend supports it, point-in-time recovery.
pub async fn create_table(client: &Client, name: &str) -> Result<bool, StoreError> {
    let created = client
        .create_table()
        .table_name(name)
        .key_schema(key(table::PARTITION_KEY, KeyType::Hash)?)
        .key_schema(key(table::SORT_KEY, KeyType::Range)?)
        .set_attribute_definitions(Some(
            [
                table::PARTITION_KEY,
                table::SORT_KEY,
                table::DUE_PARTITION_KEY,
                table::DUE_SORT_KEY,
            ]
            .into_iter()
            .map(string_attribute)
            .collect::<Result<_, _>>()?,
        ))
        .billing_mode(BillingMode::from(table::BILLING_MODE))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(table::DUE_INDEX)
                .key_schema(key(table::DUE_PARTITION_KEY, KeyType::Hash)?)
                .key_schema(key(table::DUE_SORT_KEY, KeyType::Range)?)
                // ALL: readers of the index get the whole `doc` without a second read.
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .map_err(build)?,
        )
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(table::STREAM_VIEW_TYPE))
                .build()
                .map_err(build)?,
        )
        .sse_specification(SseSpecification::builder().enabled(true).build())
        // As template.yaml: the decisions' history must not go with one mistaken API call.
        .deletion_protection_enabled(true)
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_in_use_exception()) => return Ok(false),
        Err(e) => return Err(super::unavailable("CreateTable", e)),
    }
    wait_until_active(client, name).await?;

    let ttl = TimeToLiveSpecification::builder()
        .enabled(true)
        .attribute_name(table::TTL_ATTRIBUTE)
        .build()
        .map_err(build)?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(ttl)
        .send()
        .await
        .map_err(|e| super::unavailable("UpdateTimeToLive", e))?;

    // The history is the record of political decisions: on AWS it must be restorable to any
    // second. Emulators (DynamoDB Local) do not implement backups; that is no reason to fail.
    let pitr = PointInTimeRecoverySpecification::builder()
        .point_in_time_recovery_enabled(true)
        .build()
        .map_err(build)?;
    let backups = client
        .update_continuous_backups()
        .table_name(name)
        .point_in_time_recovery_specification(pitr)
        .send()
        .await;
    if let Err(e) = backups {
        tracing::warn!(
            table = name,
            error = %aws_sdk_dynamodb::error::DisplayErrorContext(&e),
            "point-in-time recovery could not be enabled (an emulator?); continuing without it"
        );
    }
    Ok(true)
}

/// Polls `DescribeTable` until the table and every index on it are `ACTIVE`.
async fn wait_until_active(client: &Client, name: &str) -> Result<(), StoreError> {
    let start = Instant::now();
    loop {
        let described = client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .map_err(|e| super::unavailable("DescribeTable", e))?;
        if let Some(t) = described.table() {
            let table_active = t.table_status() == Some(&TableStatus::Active);
            let indexes_active = t
                .global_secondary_indexes()
                .iter()
                .all(|i| i.index_status() == Some(&IndexStatus::Active));
            if table_active && indexes_active {
                return Ok(());
            }
        }
        if start.elapsed() > ACTIVE_TIMEOUT {
            return Err(StoreError::Unavailable(format!(
                "table {name} is not active after {}s",
                ACTIVE_TIMEOUT.as_secs()
            )));
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

fn key(name: &str, key_type: KeyType) -> Result<KeySchemaElement, StoreError> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .map_err(build)
}

/// Every key attribute is a string (see `aws_schema::table`).
fn string_attribute(name: &str) -> Result<AttributeDefinition, StoreError> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(build)
}

fn build(e: BuildError) -> StoreError {
    StoreError::Unavailable(format!("cannot build a DynamoDB request: {e}"))
}
