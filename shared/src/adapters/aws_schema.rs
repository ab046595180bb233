//! The AWS resources vedtak keeps its state in, as plain data. The DynamoDB adapter, `vedtak
//! aws-init` (which creates them on an emulator or a first run) and the test that compares them
//! with `template.yaml` all read this one definition, so the three cannot drift apart.

/// The single table. Every attribute that is part of a key is a string.
pub mod table {
    pub const PARTITION_KEY: &str = "pk";
    pub const SORT_KEY: &str = "sk";
    /// A sparse global secondary index of work that falls due at a time: outbox entries by their
    /// next attempt, open enrollments by their option deadline, open envelopes by their next
    /// reminder or expiry, pending webhook deliveries by their next try. Items without `due_pk`
    /// are not in it.
    pub const DUE_INDEX: &str = "due";
    pub const DUE_PARTITION_KEY: &str = "due_pk";
    /// `{instant as %Y-%m-%dT%H:%M:%S%.3fZ}#{id}`: fixed width, so string order is time order.
    pub const DUE_SORT_KEY: &str = "due_sk";
    /// Epoch seconds after which DynamoDB may delete the item (idempotency records).
    pub const TTL_ATTRIBUTE: &str = "expires_at";
    pub const BILLING_MODE: &str = "PAY_PER_REQUEST";
    /// The stream carries whole new items, so the stream function needs no read to act.
    pub const STREAM_VIEW_TYPE: &str = "NEW_AND_OLD_IMAGES";
    /// `due_pk` values.
    pub const DUE_OUTBOX: &str = "OUTBOX";
    pub const DUE_DEADLINE: &str = "DEADLINE";
    /// Open envelopes, by their next reminder or expiry.
    pub const DUE_ENVELOPE: &str = "ENVELOPE";
    /// Pending webhook deliveries, by their next try.
    pub const DUE_DELIVERY: &str = "DELIVERY";
}

/// The document bucket.
pub mod bucket {
    /// Documents live under `documents/{sha256}`, sealed certificates beside them (they are
    /// documents too, content-addressed JSON).
    pub const DOCUMENTS_PREFIX: &str = "documents/";
    /// Sealed documents cannot be deleted or overwritten during retention. GOVERNANCE rather
    /// than COMPLIANCE so that a mistaken upload can still be removed by a specially privileged
    /// operator; nothing in vedtak has that permission.
    pub const OBJECT_LOCK_MODE: &str = "GOVERNANCE";
    pub const OBJECT_LOCK_DAYS: i32 = 3650;
}
