//! Group commit: commands that arrive while a commit is being made durable share the next
//! write transaction, and so its one fsync. A durable redb commit costs a few milliseconds of
//! fsync; one per command would cap the embedded store at a few hundred commands a second
//! however many clients wait. Each command is still checked on its own (a conflict refuses it
//! alone) and still answered only after its transaction is on disk.

use super::tables::OrUnavailable;
use super::{begin_write, commit, EmbeddedStore};
use crate::ports::{Commit, StoreError};
use redb::Database;
use std::sync::Mutex;
use tokio::sync::oneshot;

struct Pending {
    commit: Commit,
    answer: oneshot::Sender<Result<(), StoreError>>,
}

/// The commits waiting for a transaction, and the right to make one.
#[derive(Default)]
pub(super) struct GroupCommit {
    queue: Mutex<Vec<Pending>>,
    writer: Mutex<()>,
}

impl EmbeddedStore {
    pub(super) async fn commit_grouped(&self, commit: Commit) -> Result<(), StoreError> {
        let (answer, answered) = oneshot::channel();
        lock(&self.group.queue).push(Pending { commit, answer });
        let (db, group) = (self.db.clone(), self.group.clone());
        // Whoever gets the writer first takes everything queued by then, this commit included
        // or not; a later taker finds the queue empty and leaves.
        tokio::task::spawn_blocking(move || group.drain(&db))
            .await
            .map_err(|e| StoreError::Unavailable(format!("store task failed: {e}")))?;
        answered
            .await
            .map_err(|_| StoreError::Unavailable("the commit was dropped".into()))?
    }
}

impl GroupCommit {
    fn drain(&self, db: &Database) {
        let _writer = lock(&self.writer);
        let batch = std::mem::take(&mut *lock(&self.queue));
        if batch.is_empty() {
            return;
        }
        match apply_all(db, &batch) {
            Ok(outcomes) => {
                for (pending, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = pending.answer.send(outcome);
                }
            }
            // Nothing of the batch was written: every command in it hears so.
            Err(e) => {
                for pending in batch {
                    let _ = pending.answer.send(Err(StoreError::Unavailable(e.to_string())));
                }
            }
        }
    }
}

/// One transaction for the batch: each commit checked against the state its predecessors left,
/// written if it passes. `Err` only if the database failed, and then nothing is written.
fn apply_all(db: &Database, batch: &[Pending]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    let txn = begin_write(db)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for pending in batch {
        match commit::check(&txn, &pending.commit) {
            Ok(()) => {
                commit::write(&txn, &pending.commit)?;
                outcomes.push(Ok(()));
            }
            Err(StoreError::Conflict(why)) => outcomes.push(Err(StoreError::Conflict(why))),
            Err(e) => return Err(e),
        }
    }
    txn.commit().db()?;
    Ok(outcomes)
}

/// A poisoned lock only means another commit panicked; the queue itself is still sound.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
