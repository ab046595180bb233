//! `decide`: the pure heart of the engine. Given a program, an enrollment, a command and the
//! time, it returns the next enrollment, the events to append and the effects to perform, or
//! says why not. No I/O happens here; the service does that with what this returns.

use super::command::Command;
use super::deadline;
use super::effect::Effect;
use super::error::DomainError;
use super::records::{Enrollment, NewEnrollment, Program};
use super::table::{self, Target};
use super::vote::{self, Outcome};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// An event before it is chained: its type and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event_type: &'static str,
    pub data: Value,
}

/// Everything a command changes, as data.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    pub enrollment: Enrollment,
    pub events: Vec<NewEvent>,
    pub effects: Vec<Effect>,
    /// The envelope as it is after the command, when the command touched one.
    pub envelope: Option<super::envelope::Envelope>,
}

/// The first state of an enrollment: `option_held`, version 1, one `enrollment.created` event.
pub fn enroll(program: &Program, new: NewEnrollment, now: DateTime<Utc>) -> Decided {
    let enrollment = Enrollment {
        program: program.id.clone(),
        number: new.number,
        name: new.name,
        state: super::State::OptionHeld,
        version: 1,
        option_deadline: program.deadline_instant(),
        contact: new.contact,
        director: new.director,
        meeting: None,
        decision: None,
        exercised_at: None,
        envelope_id: None,
        golive_date: None,
        end_users: None,
        preferences: None,
        declined_reason: None,
        last_reminder_days: None,
        last_seq: 0,
        head_hash: crate::chain::GENESIS_HASH.to_owned(),
        created_at: now,
        updated_at: now,
    };
    let data = json!({
        "program": enrollment.program,
        "number": enrollment.number,
        "name": enrollment.name,
        "contact": enrollment.contact,
        "director": enrollment.director,
        "option_deadline": enrollment.option_deadline,
        "to": enrollment.state,
    });
    Decided {
        enrollment,
        events: vec![NewEvent {
            event_type: "enrollment.created",
            data,
        }],
        effects: vec![],
        envelope: None,
    }
}

pub fn decide(
    program: &Program,
    current: &Enrollment,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<Decided, DomainError> {
    let kind = command.kind();
    let target = table::target(kind, current.state).ok_or(DomainError::NotAllowed {
        command: kind,
        state: current.state,
    })?;
    check_deadline(current, command, now)?;

    let mut next = current.clone();
    next.version += 1;
    next.updated_at = now;
    let mut effects = Vec::new();
    let today = deadline::today_in(program.tz(), now);

    let (event_type, mut data) = match command {
        Command::Notice => {
            effects.push(Effect::OptionNotice {
                to: current.contact.clone(),
                program: program.id.clone(),
                program_name: program.name.to_string(),
                counterparty: program.counterparty.name.to_string(),
                number: current.number.clone(),
                municipality: current.name.to_string(),
                deadline: current.option_deadline,
            });
            (
                "notice.sent",
                json!({ "recipient": current.contact.email, "option_deadline": current.option_deadline }),
            )
        }
        Command::Meetings(meeting) => {
            next.meeting = Some(meeting.clone());
            ("meeting.scheduled", json!(meeting))
        }
        Command::Decision(input) => {
            if input.date > today {
                return Err(DomainError::Invalid {
                    field: "date",
                    reason: format!("the meeting date {} lies in the future (today is {today})", input.date),
                });
            }
            let decision = vote::tally(input)?;
            next.decision = Some(decision.clone());
            ("decision.recorded", json!(decision))
        }
        Command::Exercise => {
            next.exercised_at = Some(now);
            ("option.exercised", json!({ "exercised_at": now }))
        }
        Command::Decline { reason } => {
            next.declined_reason = Some(reason.to_string());
            ("enrollment.declined", json!({ "reason": reason }))
        }
        Command::Preferences(p) => {
            next.preferences = Some(p.clone());
            ("preferences.recorded", json!(p))
        }
        Command::Agreement {
            envelope_id,
            title,
            document_sha256,
        } => {
            next.envelope_id = Some(envelope_id.clone());
            (
                "agreement.sent",
                json!({ "envelope_id": envelope_id, "title": title, "document_sha256": document_sha256 }),
            )
        }
        Command::AgreementCompleted { envelope_id } => {
            same_envelope(current, envelope_id)?;
            ("agreement.signed", json!({ "envelope_id": envelope_id }))
        }
        Command::AgreementWithdrawn { envelope_id, reason } => {
            same_envelope(current, envelope_id)?;
            next.envelope_id = None;
            (
                "agreement.withdrawn",
                json!({ "envelope_id": envelope_id, "reason": reason }),
            )
        }
        Command::Golive { date, end_users } => {
            if *date < today {
                return Err(DomainError::Invalid {
                    field: "date",
                    reason: format!("the go-live date {date} lies in the past (today is {today})"),
                });
            }
            next.golive_date = Some(*date);
            next.end_users = Some(*end_users);
            ("golive.scheduled", json!({ "date": date, "end_users": end_users }))
        }
        Command::Live => ("enrollment.live", json!({ "live_at": now })),
        Command::Lapse => (
            "enrollment.lapsed",
            json!({ "option_deadline": current.option_deadline }),
        ),
        Command::RemindDeadline => {
            let due = deadline::reminder_due(current.option_deadline, program.tz(), current.last_reminder_days, now);
            let days = due.ok_or_else(|| DomainError::NotDue {
                what: "no deadline reminder is due".into(),
            })?;
            next.last_reminder_days = Some(days);
            effects.push(Effect::DeadlineReminder {
                to: current.contact.clone(),
                program_name: program.name.to_string(),
                counterparty: program.counterparty.name.to_string(),
                number: current.number.clone(),
                municipality: current.name.to_string(),
                deadline: current.option_deadline,
                days_left: days,
            });
            (
                "deadline.approaching",
                json!({ "days_left": days, "option_deadline": current.option_deadline, "recipient": current.contact.email }),
            )
        }
    };

    next.state = match target {
        Target::To(s) => s,
        Target::Stay => current.state,
        Target::ByVote => match next.decision.as_ref().map(|d| d.outcome) {
            Some(Outcome::Adopted) => super::State::Adopted,
            _ => super::State::Rejected,
        },
    };
    if next.state != current.state {
        data["from"] = json!(current.state);
        data["to"] = json!(next.state);
    }
    Ok(Decided {
        enrollment: next,
        events: vec![NewEvent { event_type, data }],
        effects,
        envelope: None,
    })
}

/// A late word about an envelope that is no longer the current one must not move the enrollment.
fn same_envelope(current: &Enrollment, envelope_id: &str) -> Result<(), DomainError> {
    match current.envelope_id.as_deref() {
        Some(id) if id == envelope_id => Ok(()),
        _ => Err(DomainError::NotCurrentEnvelope {
            envelope_id: envelope_id.to_owned(),
        }),
    }
}

/// While the option is open the deadline governs everything: after it, only the lapse may
/// happen; before it, the lapse may not.
fn check_deadline(current: &Enrollment, command: &Command, now: DateTime<Utc>) -> Result<(), DomainError> {
    if !current.state.is_before_exercise() {
        return Ok(());
    }
    let passed = deadline::has_passed(current.option_deadline, now);
    let deadline = current.option_deadline;
    match (command, passed) {
        (Command::Lapse, false) => Err(DomainError::DeadlineNotPassed { deadline }),
        (Command::Lapse, true) => Ok(()),
        (_, true) => Err(DomainError::DeadlinePassed { deadline }),
        (_, false) => Ok(()),
    }
}
