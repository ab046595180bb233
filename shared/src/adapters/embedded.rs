//! `EmbeddedStore`: the `Store` port on redb, a single-file, crash-safe embedded database.
//!
//! Every command's result is one redb write transaction (see `commit`), committed with
//! `Durability::Immediate`, so after `commit` returns the data is on disk, and a crash at any
//! point leaves either all of a command or none of it. Values are JSON, so the file can be read
//! with nothing but redb and serde, and a field added later reads old records without migration.
//!
//! Keys are strings built so that a range scan returns things in the order the port promises:
//! `{program}/{number}` for enrollments and `{program}/{number}/{seq:020}` for events (zero
//! padding makes lexical order numeric order), `{program}/{id}` for webhook subscriptions and
//! `{subscription}/{id}` for their deliveries (whose ids sort by time). Program ids, municipality
//! numbers and subscription ids (`wh_` and hex) cannot contain `/`, so a key never splits
//! ambiguously.

mod commit;
mod grants;
mod group_commit;
mod store;
mod tables;
#[cfg(test)]
mod tests;
mod webhooks;

use self::tables::*;
use crate::ports::StoreError;
use redb::{Database, Durability, ReadTransaction, ReadableDatabase, WriteTransaction};
use std::path::Path;
use std::sync::Arc;

/// The file inside the data directory.
pub const FILE_NAME: &str = "vedtak.redb";

/// A `Store` in `<data dir>/vedtak.redb`. Cheap to clone; clones share the database.
#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
    group: Arc<group_commit::GroupCommit>,
}

impl EmbeddedStore {
    /// Opens (or creates) the store in `dir`, creating the directory if needed. redb holds an
    /// exclusive lock on the file, so a second process on the same directory fails here, at
    /// start-up, instead of corrupting data later.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
        let db = Database::create(dir.join(FILE_NAME)).db()?;
        // Create every table now, so readers never meet a missing table.
        let txn = begin_write(&db)?;
        for table in [
            PROGRAMS,
            API_KEYS,
            ENROLLMENTS,
            EVENTS,
            OUTBOX,
            IDEMPOTENCY,
            ENVELOPES,
            SUBSCRIPTIONS,
            DELIVERIES,
            INBOUND_SECRETS,
            DOCUMENT_GRANTS,
        ] {
            txn.open_table(table).db()?;
        }
        txn.open_table(API_KEY_HASHES).db()?;
        txn.open_table(DELIVERIES_DUE).db()?;
        txn.commit().db()?;
        Ok(Self {
            db: Arc::new(db),
            group: Default::default(),
        })
    }

    /// Runs `f` in a read transaction (a consistent snapshot) off the async threads: redb blocks.
    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&ReadTransaction) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        blocking(move || f(&db.begin_read().db()?)).await
    }

    /// Runs `f` in one write transaction and commits only if it returns `Ok`; on `Err` the
    /// transaction is dropped, which aborts it, so nothing of it is written.
    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&WriteTransaction) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        blocking(move || {
            let txn = begin_write(&db)?;
            let out = f(&txn)?;
            txn.commit().db()?;
            Ok(out)
        })
        .await
    }
}

impl EmbeddedStore {
    /// Like `write`, but without waiting for the disk: the transaction becomes durable with the
    /// next ordinary commit. Only for marks whose loss repeats an effect that is safe to repeat
    /// (an outbox entry done or rescheduled: at worst an e-mail is sent again, with the same
    /// Message-ID), never for a command's own commit. It spares every e-mail an fsync.
    async fn write_lazily<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&WriteTransaction) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        blocking(move || {
            let mut txn = db.begin_write().db()?;
            txn.set_durability(Durability::None).db()?;
            let out = f(&txn)?;
            txn.commit().db()?;
            Ok(out)
        })
        .await
    }
}

fn begin_write(db: &Database) -> Result<WriteTransaction, StoreError> {
    let mut txn = db.begin_write().db()?;
    // Immediate is redb's default; said explicitly because the whole design leans on it.
    txn.set_durability(Durability::Immediate).db()?;
    Ok(txn)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Unavailable(format!("store task failed: {e}")))?
}
