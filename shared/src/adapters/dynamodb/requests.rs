//! The few request shapes every `Store` method is made of: a consistent `GetItem`, a paginated
//! `Query` (of a partition, or of the `due` index up to an instant), and a `PutItem`, conditional
//! or not.

use super::items::*;
use super::{unavailable, DynamoStore};
use crate::adapters::aws_schema::table;
use crate::ports::StoreError;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

/// Conditions on the item a `PutItem` would replace (`#pk` is bound to the partition key).
pub(super) const IF_NEW: &str = "attribute_not_exists(#pk)";
pub(super) const IF_THERE: &str = "attribute_exists(#pk)";

impl DynamoStore {
    /// Strongly consistent: what the service decides on must be what was last committed.
    pub(super) async fn get_item(&self, pk: String, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item)
    }

    pub(super) async fn get_doc<T: DeserializeOwned>(
        &self,
        pk: String,
        sk: impl AsRef<str>,
    ) -> Result<Option<T>, StoreError> {
        match self.get_item(pk, sk.as_ref()).await? {
            Some(item) => decode(&item).map(Some),
            None => Ok(None),
        }
    }

    /// Writes `item` only if `condition` (`IF_NEW` or `IF_THERE`) holds: `Ok(true)` if written,
    /// `Ok(false)` if the condition failed (each caller says what that means for it).
    pub(super) async fn put_if(&self, what: &str, item: Item, condition: &str) -> Result<bool, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .expression_attribute_names("#pk", table::PARTITION_KEY);
        match put.send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(unavailable(what, e)),
        }
    }

    /// Writes `item`, replacing whatever has its key.
    pub(super) async fn put_item(&self, what: &str, item: Item) -> Result<(), StoreError> {
        let put = self.client.put_item().table_name(&self.table).set_item(Some(item));
        put.send().await.map_err(|e| unavailable(what, e))?;
        Ok(())
    }

    /// Every item of one partition.
    pub(super) fn query(&self, pk: String) -> QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", table::PARTITION_KEY)
            .expression_attribute_values(":pk", s(pk))
    }

    /// One partition of the `due` index, earliest first; with `until`, only up to that instant
    /// (to the millisecond). A GSI cannot be read consistently: callers re-check what they get.
    pub(super) fn due_query(&self, partition: &str, until: Option<DateTime<Utc>>) -> QueryFluentBuilder {
        let q = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(table::DUE_INDEX)
            .expression_attribute_names("#due_pk", table::DUE_PARTITION_KEY)
            .expression_attribute_values(":due_pk", s(partition))
            .scan_index_forward(true);
        match until {
            None => q.key_condition_expression("#due_pk = :due_pk"),
            Some(t) => q
                .key_condition_expression("#due_pk = :due_pk AND #due_sk < :bound")
                .expression_attribute_names("#due_sk", table::DUE_SORT_KEY)
                .expression_attribute_values(":bound", s(due_before(t))),
        }
    }

    /// The records of all pages of a query (a page ends at 1 MB; the paginator follows
    /// `LastEvaluatedKey`).
    pub(super) async fn query_docs<T: DeserializeOwned>(
        &self,
        what: &str,
        q: QueryFluentBuilder,
    ) -> Result<Vec<T>, StoreError> {
        let items: Vec<Item> = q
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| unavailable(what, e))?;
        items.iter().map(decode).collect()
    }
}
