//! Test data for the contract suite: valid domain records built from a few ids, so each check
//! can say only what is particular to it.

use crate::auth::{hash_key, ApiKey, Role};
use crate::chain::{Event, GENESIS_HASH};
use crate::domain::{
    Contact, Counterparty, Effect, Email, Enrollment, MunicipalityNumber, OrgNumber, Program, ProgramId, Signer, State,
    Text,
};
use crate::ports::{Commit, IdempotencyRecord, OutboxEntry};
use crate::webhooks::{Delivery, DeliveryStatus, InboundSecret, Subscription, WebhookSecret};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::json;

/// The time the fixtures live at, far from the outbox check's times (see `outbox_lifecycle`).
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, 8, 0, 0).unwrap()
}

pub fn pid(id: &str) -> ProgramId {
    ProgramId::parse(id).expect("fixture program id is valid")
}

pub fn num(n: &str) -> MunicipalityNumber {
    MunicipalityNumber::parse(n).expect("fixture municipality number is valid")
}

fn text(s: &str) -> Text {
    Text::parse(s).expect("fixture text is valid")
}

fn email(s: &str) -> Email {
    Email::parse(s).expect("fixture e-mail is valid")
}

pub fn program(id: &str) -> Program {
    Program {
        id: pid(id),
        name: text("Contract test program"),
        counterparty: Counterparty {
            name: text("Leverandør AS"),
            org_number: OrgNumber::parse("974760673").expect("valid org number"),
        },
        option_deadline: NaiveDate::from_ymd_opt(2030, 6, 30).unwrap(),
        time_zone: Program::DEFAULT_TIME_ZONE.into(),
        counterparty_signer: Signer {
            name: text("Kari Leverandør"),
            email: email("kari@leverandor.example"),
            title: text("CEO"),
        },
        envelope_days: Program::DEFAULT_ENVELOPE_DAYS,
        created_at: t0(),
    }
}

pub fn api_key(id: &str, secret: &str, program: &str) -> ApiKey {
    ApiKey {
        id: id.into(),
        hash: hash_key(secret),
        role: Role::ProgramAdmin,
        program: Some(pid(program)),
        municipality: None,
        created_at: t0(),
    }
}

pub fn contact() -> Contact {
    Contact {
        name: text("Ola Kontakt"),
        email: email("ola@kommune.example"),
    }
}

/// An enrollment at `version` whose history ends at `last_seq` / `head_hash`.
pub fn enrollment(program: &str, number: &str, version: u64, last_seq: u64, head_hash: &str) -> Enrollment {
    Enrollment {
        program: pid(program),
        number: num(number),
        name: text("Testkommune"),
        state: State::OptionHeld,
        version,
        option_deadline: self::program(program).deadline_instant(),
        contact: contact(),
        director: Signer {
            name: text("Per Direktør"),
            email: email("per@kommune.example"),
            title: text("Kommunedirektør"),
        },
        meeting: None,
        decision: None,
        exercised_at: None,
        envelope_id: None,
        golive_date: None,
        end_users: None,
        preferences: None,
        declined_reason: None,
        last_reminder_days: None,
        last_seq,
        head_hash: head_hash.into(),
        created_at: t0(),
        updated_at: t0() + Duration::minutes(version as i64),
    }
}

/// `count` chained events after `prev_hash`, the first numbered `first_seq`.
pub fn events(first_seq: u64, count: u64, prev_hash: &str) -> Vec<Event> {
    let mut prev = prev_hash.to_owned();
    (first_seq..first_seq + count)
        .map(|seq| {
            let at = t0() + Duration::seconds(seq as i64);
            let event = Event::chained(seq, "test.step", at, at, "contract", json!({ "seq": seq }), &prev);
            prev = event.hash.clone();
            event
        })
        .collect()
}

pub fn notice(program: &str, number: &str) -> Effect {
    Effect::OptionNotice {
        to: contact(),
        program: pid(program),
        program_name: "Contract test program".into(),
        counterparty: "Leverandør AS".into(),
        number: num(number),
        municipality: "Testkommune".into(),
        deadline: self::program(program).deadline_instant(),
    }
}

pub fn outbox_entry(id: &str, created_at: DateTime<Utc>, next_attempt_at: DateTime<Utc>) -> OutboxEntry {
    let mut parts = id.split('/');
    let (program, number) = (parts.next().unwrap_or("ct-x"), parts.next().unwrap_or("0301"));
    OutboxEntry {
        id: id.into(),
        effect: notice(program, number),
        created_at,
        attempts: 0,
        next_attempt_at,
        last_error: None,
    }
}

pub fn idempotency(scope: &str, body: &str) -> IdempotencyRecord {
    IdempotencyRecord {
        scope: scope.into(),
        fingerprint: "0".repeat(64),
        status: 200,
        body: body.into(),
        created_at: t0(),
    }
}

/// The next command's commit after `prev` (or the enrollment's creation): one version up,
/// `events` more events chained onto the head, and one outbox entry named as the service names it.
pub fn next_commit(program: &str, number: &str, prev: Option<&Enrollment>, events_count: u64) -> Commit {
    let (expected, last_seq, head) = match prev {
        Some(e) => (e.version, e.last_seq, e.head_hash.clone()),
        None => (0, 0, GENESIS_HASH.to_owned()),
    };
    let version = expected + 1;
    let events = events(last_seq + 1, events_count, &head);
    let head = events.last().map_or(head, |e| e.hash.clone());
    let created = t0() + Duration::minutes(version as i64);
    Commit {
        expected_version: expected,
        enrollment: enrollment(program, number, version, last_seq + events_count, &head),
        events,
        outbox: vec![outbox_entry(
            &format!("{program}/{number}/{version}/0"),
            created,
            created,
        )],
        idempotency: None,
        envelope: None,
    }
}

/// A webhook subscription of `program` to every change of state, with one secret.
pub fn subscription(program: &str, id: &str) -> Subscription {
    Subscription {
        id: id.into(),
        program: pid(program),
        municipality: None,
        url: format!("https://hooks.example/{id}"),
        events: vec!["enrollment.state_changed".into()],
        secrets: vec![WebhookSecret {
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
            created_at: t0(),
            expires_at: None,
        }],
        enabled: true,
        disabled_reason: None,
        created_at: t0(),
    }
}

/// A delivery's id as the fan-out makes it: the creation instant, then `hex` (so ids sort by
/// time, to the millisecond).
pub fn delivery_id(created_at: DateTime<Utc>, hex: &str) -> String {
    format!("msg_{}_{hex}", created_at.format("%Y%m%dT%H%M%S%3f"))
}

/// A pending delivery to `subscription`, created at `created_at` and first tried then.
pub fn delivery(subscription: &str, program: &str, created_at: DateTime<Utc>, hex: &str) -> Delivery {
    Delivery {
        id: delivery_id(created_at, hex),
        subscription: subscription.into(),
        program: pid(program),
        event_type: "enrollment.state_changed".into(),
        body: json!({ "type": "enrollment.state_changed", "data": { "hex": hex } }).to_string(),
        status: DeliveryStatus::Pending,
        attempts: Vec::new(),
        next_attempt_at: Some(created_at),
        created_at,
    }
}

pub fn inbound_secret(program: &str, number: &str, secret: &str) -> InboundSecret {
    InboundSecret {
        program: pid(program),
        number: num(number),
        secret: secret.into(),
        created_at: t0(),
    }
}
