//! The sweep: the scheduler's command source. It finds work that time has made due and runs
//! ordinary commands through the service, so every rule and every event path is the same as
//! for a person pressing a button.

use crate::domain::envelope::Due;
use crate::domain::{Command, EnvelopeCommand};
use crate::service::{CommandRequest, Engine, EnvelopeRequest, ServiceError};
use chrono::{DateTime, Utc};

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub lapsed: usize,
    pub deadline_reminders: usize,
    pub envelopes_expired: usize,
    pub signers_reminded: usize,
}

/// Lapses every enrollment whose option deadline passed at `now` without exercise, reminds the
/// contacts of those whose deadline approaches (30, 14, 7 and 1 days before, each once), expires
/// envelopes whose time is up and reminds signers who have waited. Idempotent: a second sweep
/// at the same instant finds nothing left to do.
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
    // The first reminder is due 30 calendar days before the deadline date: look a day further.
    let horizon = now + chrono::Duration::days(32);
    for e in engine.store.open_with_deadline_before(horizon).await? {
        let Some(program) = engine.store.program(&e.program).await? else {
            continue;
        };
        if crate::domain::deadline::reminder_due(e.option_deadline, program.tz(), e.last_reminder_days, now).is_none() {
            continue;
        }
        let request = CommandRequest {
            program: e.program,
            number: e.number,
            command: Command::RemindDeadline,
            actor: "scheduler".into(),
            if_match: None,
            idempotency: None,
            occurred_at: None,
        };
        match engine.execute(request).await {
            Ok(_) => report.deadline_reminders += 1,
            // Exercised, declined or reminded by another sweep meanwhile.
            Err(ServiceError::Domain(_)) => {}
            Err(e) => return Err(e),
        }
    }
    for envelope in engine.store.envelopes_due(now).await? {
        let request = EnvelopeRequest {
            program: envelope.program.clone(),
            number: envelope.number.clone(),
            actor: "scheduler".into(),
            if_match: None,
            idempotency: None,
        };
        for due in envelope.due(now) {
            let (command, count) = match due {
                Due::Expire => (EnvelopeCommand::Expire, &mut report.envelopes_expired),
                Due::Remind { signer } => (EnvelopeCommand::Remind { signer }, &mut report.signers_reminded),
            };
            match engine.on_envelope(&request, &envelope.id, command).await {
                Ok(_) => *count += 1,
                // Signed, declined or voided in the meantime, or already done by another sweep.
                Err(ServiceError::Domain(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(report)
}
