//! The sweep: the scheduler's command source. It finds work that time has made due and runs
//! ordinary commands through the service, so every rule and every event path is the same as
//! for a person pressing a button.

use crate::domain::Command;
use crate::service::{CommandRequest, Engine, ServiceError};
use chrono::{DateTime, Utc};

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub lapsed: usize,
}

/// Lapses every enrollment whose option deadline passed at `now` without exercise. Idempotent:
/// a second sweep at the same instant finds nothing left to do.
pub async fn sweep(engine: &Engine, now: DateTime<Utc>) -> Result<SweepReport, ServiceError> {
    let mut report = SweepReport::default();
    for (program, number) in engine.store.open_past_deadline(now).await? {
        let request = CommandRequest {
            program,
            number,
            command: Command::Lapse,
            actor: "scheduler".into(),
            if_match: None,
            idempotency: None,
            occurred_at: None,
        };
        match engine.execute(request).await {
            Ok(_) => report.lapsed += 1,
            // Someone exercised or declined in the meantime: nothing to lapse.
            Err(ServiceError::Domain(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}
