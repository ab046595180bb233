//! `DynamoStore`: the `Store` port on one DynamoDB table (single-table design, see
//! `docs/dynamodb.md`), with the same semantics as the embedded store, held to the same
//! contract suite (`adapters::contract`).
//!
//! Every record is kept as the JSON of the very struct the embedded store keeps (attribute
//! `doc`), beside the key attributes that address it. So the two backends cannot disagree about
//! what a record is, a field added later reads old items without migration, and no attribute
//! mapping has to be kept in step with the domain types.
//!
//! What makes it correct rather than merely similar:
//! - a command's result is exactly one `TransactWriteItems` (`commit.rs`): the enrollment item
//!   conditioned on the version that was read, every other item on not existing yet, so a lost
//!   race or a replay writes nothing at all;
//! - every read the service decides on is strongly consistent (`ConsistentRead`); only the `due`
//!   index (which cannot be read consistently) is eventually consistent, and what is read from it
//!   is re-checked against the item's own document before it is returned.

mod commit;
mod grants;
mod items;
mod requests;
mod schema;
mod store;
#[cfg(test)]
mod tests;
mod webhooks;

pub use schema::create_table;

use crate::ports::StoreError;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};

/// A `Store` in one DynamoDB table. Cheap to clone: the SDK client is a handle.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl DynamoStore {
    /// A store in `table`, which must exist with the layout `create_table` gives it.
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// The table this store keeps its items in.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Creates the table as `aws_schema::table` defines it; see [`create_table`].
    pub async fn create_table(client: &aws_sdk_dynamodb::Client, name: &str) -> Result<bool, StoreError> {
        create_table(client, name).await
    }
}

/// Any failure not handled where it happens means the backend failed: `Unavailable`, never
/// `Conflict`, so the service answers 503 instead of pretending someone else won a race.
fn unavailable<E, R>(what: &str, err: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    StoreError::Unavailable(format!("DynamoDB {what}: {}", DisplayErrorContext(&err)))
}
