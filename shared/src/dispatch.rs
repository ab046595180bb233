//! The outbox dispatcher: performs the effects that commits left in the outbox, at least once.
//! Because each entry keeps a stable id, doing one twice is harmless; because entries are only
//! removed after the effect succeeded, a crash between commit and send loses nothing.

use crate::mail::{self, MailContext};
use crate::ports::{Clock, Mailer, OutboxEntry, Store, StoreError};
use crate::signing::keys::KeySource;
use crate::webhooks::deliver::Deliverer;
use chrono::Duration;
use futures::StreamExt;
use std::sync::Arc;
use tokio::sync::Notify;

/// How many entries one pass takes; the rest wait for the next pass.
const BATCH: usize = 100;
/// How many of them are performed at the same time.
const AT_ONCE: usize = 16;

pub struct Dispatcher {
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Arc<dyn Clock>,
    /// Where signing links point (`{base_url}/sign/{token}`).
    pub base_url: String,
    /// The link key, to derive links and codes at the moment they are e-mailed.
    pub keys: Option<Arc<dyn KeySource>>,
    /// Fans published messages out to webhook subscriptions and sends them.
    pub webhooks: Option<Arc<Deliverer>>,
}

/// Growing delays between tries of one effect: 5 s, 10 s, 20 s … capped at one hour.
pub fn backoff(attempts: u32) -> Duration {
    let seconds = 5i64.saturating_mul(1i64 << attempts.min(12));
    Duration::seconds(seconds.min(3600))
}

/// What became of one outbox entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Done,
    /// The effect failed; the entry waits for its next attempt.
    WillRetry,
}

impl Dispatcher {
    /// Performs every entry that is due now, then every webhook delivery whose try is due;
    /// returns how many outbox entries succeeded.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let now = self.clock.now();
        // Entries are independent effects; sent one after another, each waiting on its mail
        // server (or fsync), a busy program's e-mails would trail its commands by minutes.
        let due = self.store.outbox_due(now, BATCH).await?;
        let handled: Vec<Result<Handled, StoreError>> = futures::stream::iter(due)
            .map(|entry| self.handle(entry))
            .buffer_unordered(AT_ONCE)
            .collect()
            .await;
        let mut done = 0;
        for outcome in handled {
            if outcome? == Handled::Done {
                done += 1;
            }
        }
        if let Some(webhooks) = &self.webhooks {
            webhooks.run_once().await?;
        }
        Ok(done)
    }

    /// Performs one entry and records the outcome: removed when done, rescheduled with a
    /// growing delay when the effect failed. Only a failing store is an error, so a caller
    /// (the stream function) can tell "try this record again" from "it is taken care of".
    pub async fn handle(&self, entry: OutboxEntry) -> Result<Handled, StoreError> {
        match self.perform(&entry).await {
            Ok(()) => {
                self.store.outbox_done(&entry.id).await?;
                Ok(Handled::Done)
            }
            Err(error) => {
                let attempts = entry.attempts + 1;
                tracing::warn!(entry = %entry.id, attempts, %error, "effect failed; will retry");
                let retry = OutboxEntry {
                    attempts,
                    next_attempt_at: self.clock.now() + backoff(attempts),
                    last_error: Some(error),
                    ..entry
                };
                self.store.outbox_retry(&retry).await?;
                Ok(Handled::WillRetry)
            }
        }
    }

    async fn perform(&self, entry: &OutboxEntry) -> Result<(), String> {
        if !entry.effect.is_mail() {
            return self.publish(entry).await;
        }
        let keys = match (&entry.effect.needs_keys(), &self.keys) {
            (true, Some(source)) => Some(source.keys().await.map_err(|e| e.to_string())?),
            _ => None,
        };
        let context = MailContext {
            base_url: &self.base_url,
            keys: keys.as_deref(),
        };
        let mail = mail::render(entry, &context).map_err(|e| e.to_string())?;
        self.mailer.send(&mail).await.map_err(|e| e.to_string())?;
        tracing::info!(entry = %entry.id, kind = entry.effect.kind(), "e-mail sent");
        Ok(())
    }

    /// Fans a published message out into deliveries, and makes the first try of each at once
    /// (the outbox entry is done once the deliveries exist; each then lives on its own).
    async fn publish(&self, entry: &OutboxEntry) -> Result<(), String> {
        let webhooks = self.webhooks.as_ref().ok_or("webhooks are not set up here")?;
        let created = webhooks.fan_out(entry).await.map_err(|e| e.to_string())?;
        webhooks.attempt_all(created).await.map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Runs until `shutdown` fires: at once when woken by a commit, otherwise every second
    /// (which also picks up retries that have come due).
    pub async fn run(self: Arc<Self>, signal: Arc<Notify>, shutdown: Arc<Notify>) {
        // Registered once, before any work: a shutdown announced while a pass is running is
        // still seen (`notify_waiters` keeps no permit for futures created later).
        let stop = shutdown.notified();
        tokio::pin!(stop);
        stop.as_mut().enable();
        loop {
            if let Err(error) = self.run_once().await {
                tracing::error!(%error, "outbox pass failed");
            }
            tokio::select! {
                _ = signal.notified() => {}
                _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                _ = &mut stop => return,
            }
        }
    }
}
