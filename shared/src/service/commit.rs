//! Turning a decision into one `Commit`: chain the events, key the outbox entries, keep the
//! answer for the `Idempotency-Key`.

use super::Idempotency;
use crate::chain::Event;
use crate::domain::Decided;
use crate::ports::{Commit, IdempotencyRecord, OutboxEntry};
use chrono::{DateTime, Utc};

/// A short, jittered pause before deciding again after losing a race to another process, so
/// that racers spread out instead of colliding again.
pub(super) async fn backoff(attempt: u32) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let ceiling_ms = 2u64 << attempt.min(6);
    let ms = u64::from(nanos) % ceiling_ms + 1;
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// Chains the decided events onto the enrollment's history and turns effects into outbox
/// entries, all into one `Commit`.
pub(super) fn build_commit(
    expected_version: u64,
    decided: Decided,
    actor: &str,
    occurred_at: DateTime<Utc>,
    now: DateTime<Utc>,
    idempotency: Option<&Idempotency>,
    status: u16,
) -> Commit {
    let mut enrollment = decided.enrollment;
    let mut events = Vec::with_capacity(decided.events.len());
    for new in decided.events {
        let seq = enrollment.last_seq + 1;
        let event = Event::chained(
            seq,
            new.event_type,
            occurred_at,
            now,
            actor,
            new.data,
            &enrollment.head_hash,
        );
        enrollment.last_seq = seq;
        enrollment.head_hash = event.hash.clone();
        events.push(event);
    }
    // Webhook messages follow from the events themselves, so every source of commands (HTTP,
    // inbound webhooks, the sweep) publishes the same way.
    let published = crate::webhooks::messages::for_events(&enrollment, &events)
        .into_iter()
        .map(|m| crate::domain::Effect::Publish {
            program: enrollment.program.clone(),
            number: enrollment.number.clone(),
            event_type: m.event_type.to_owned(),
            seq: m.data["seq"].as_u64().unwrap_or(0),
            data: m.data,
            occurred_at,
        });
    let outbox = decided
        .effects
        .into_iter()
        .chain(published)
        .enumerate()
        .map(|(i, effect)| OutboxEntry {
            id: format!(
                "{}/{}/{}/{}",
                enrollment.program, enrollment.number, enrollment.version, i
            ),
            effect,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
        })
        .collect();
    let idempotency = idempotency.map(|idem| IdempotencyRecord {
        scope: idem.scope.clone(),
        fingerprint: idem.fingerprint.clone(),
        status,
        body: serde_json::to_string(&enrollment).expect("enrollments serialize"),
        created_at: now,
    });
    Commit {
        expected_version,
        enrollment,
        events,
        outbox,
        idempotency,
        envelope: decided.envelope,
    }
}
