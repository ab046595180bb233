//! Tests of the domain against the public contract (`contract.md`): the state machine, the
//! Local Government Act's vote rules, the deadline rule, the validated values, and the event
//! chain the domain's events end up in.
//!
//! The expectations here are written out by hand from the contract, never derived from the
//! code under test (in particular not from `table::TRANSITIONS`).

mod chain;
mod deadlines;
mod signing;
mod transitions;
mod values;
mod votes;

use super::*;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The deadline of the usual test program: 15 December 2021, Oslo time.
const DEADLINE: &str = "2021-12-15";
/// Well before the deadline.
const BEFORE: &str = "2021-11-01T10:00:00Z";
/// The morning after the deadline, Oslo time.
const AFTER: &str = "2021-12-16T08:00:00Z";

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .with_timezone(&Utc)
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

fn program_with(deadline: &str, time_zone: &str) -> Program {
    Program {
        id: ProgramId::parse("helseplattformen").unwrap(),
        name: text("Helseplattformen"),
        counterparty: Counterparty {
            name: text("Helseplattformen AS"),
            org_number: OrgNumber::parse("974760673").unwrap(),
        },
        option_deadline: date(deadline),
        time_zone: time_zone.to_owned(),
        counterparty_signer: Signer {
            name: text("Ola Normann"),
            email: email("ola.normann@helseplattformen.no"),
            title: text("Administrerende direktør"),
        },
        envelope_days: Program::DEFAULT_ENVELOPE_DAYS,
        created_at: utc("2021-09-01T08:00:00Z"),
    }
}

fn oslo_program() -> Program {
    program_with(DEADLINE, "Europe/Oslo")
}

fn contact() -> Contact {
    Contact {
        name: text("Kari Nordmann"),
        email: email("kari.nordmann@mgk.no"),
    }
}

fn new_enrollment() -> NewEnrollment {
    NewEnrollment {
        number: MunicipalityNumber::parse("5027").unwrap(),
        name: text("Midtre Gauldal"),
        contact: contact(),
        director: Signer {
            name: text("Per Hansen"),
            email: email("per.hansen@mgk.no"),
            title: text("Kommunedirektør"),
        },
    }
}

/// A vote of the usual shape, held on 20 October 2021.
fn vote(members: u32, present: u32, votes_for: u32, votes_against: u32, casting: Option<Side>) -> VoteInput {
    VoteInput {
        body: Body::Kommunestyre,
        date: date("2021-10-20"),
        case_number: CaseNumber::parse("2021/1234").unwrap(),
        members,
        present,
        votes_for,
        votes_against,
        chair_casting_vote: casting,
        protocol_sha256: None,
    }
}

/// An enrollment of `program` that has got as far as `state`, with the records such a history
/// leaves behind, at version 7.
fn enrollment_in(program: &Program, state: State) -> Enrollment {
    let mut e = enroll(program, new_enrollment(), utc("2021-09-02T08:00:00Z")).enrollment;
    e.state = state;
    e.version = 7;
    e.last_seq = 6;
    let adopted = vote::tally(&vote(35, 30, 20, 10, None)).unwrap();
    let rejected = vote::tally(&vote(35, 30, 10, 20, None)).unwrap();
    let meeting = Meeting {
        body: Body::Kommunestyre,
        date: date("2021-10-20"),
        case_number: CaseNumber::parse("2021/1234").unwrap(),
    };
    use State::*;
    if matches!(state, MeetingScheduled | Adopted | Rejected) {
        e.meeting = Some(meeting);
    }
    match state {
        Adopted => e.decision = Some(adopted.clone()),
        Rejected => e.decision = Some(rejected),
        _ => {}
    }
    if matches!(
        state,
        OptionExercised | AgreementSent | AgreementSigned | GoliveScheduled | Live
    ) {
        e.decision = Some(adopted);
        e.exercised_at = Some(utc("2021-10-25T09:00:00Z"));
    }
    if matches!(state, AgreementSent | AgreementSigned | GoliveScheduled | Live) {
        e.envelope_id = Some("env-1".to_owned());
    }
    if matches!(state, GoliveScheduled | Live) {
        e.golive_date = Some(date("2022-11-01"));
        e.end_users = Some(250);
    }
    if state == Declined {
        e.declined_reason = Some("Kommunestyret vil ikke".to_owned());
    }
    e
}

/// A valid command of each kind for a program whose "today" is `today`. The decision is an
/// adopting vote held yesterday; the go-live date lies ahead.
fn command_of(kind: CommandKind, today: NaiveDate) -> Command {
    match kind {
        CommandKind::Notice => Command::Notice,
        CommandKind::Meetings => Command::Meetings(Meeting {
            body: Body::Formannskap,
            date: today + Duration::days(7),
            case_number: CaseNumber::parse("21/00123-4").unwrap(),
        }),
        CommandKind::Decision => Command::Decision(VoteInput {
            date: today - Duration::days(1),
            ..vote(35, 30, 20, 10, None)
        }),
        CommandKind::Exercise => Command::Exercise,
        CommandKind::Decline => Command::Decline {
            reason: text("Kommunestyret vil ikke"),
        },
        CommandKind::Preferences => Command::Preferences(Preferences {
            preferred_month: YearMonth::parse("2022-11").unwrap(),
            end_users: 250,
        }),
        CommandKind::Agreement => Command::Agreement {
            envelope_id: "env-2".to_owned(),
            title: text("Tjenesteavtale"),
            document_sha256: Sha256Hex::of(b"tjenesteavtale"),
        },
        CommandKind::AgreementCompleted => Command::AgreementCompleted {
            envelope_id: "env-1".to_owned(),
        },
        CommandKind::AgreementWithdrawn => Command::AgreementWithdrawn {
            envelope_id: "env-1".to_owned(),
            reason: "signer declined".to_owned(),
        },
        CommandKind::Golive => Command::Golive {
            date: today + Duration::days(60),
            end_users: 250,
        },
        CommandKind::Live => Command::Live,
        CommandKind::Lapse => Command::Lapse,
        CommandKind::RemindDeadline => Command::RemindDeadline,
    }
}

/// "Today" in the program's zone, computed here independently of `deadline::today_in`.
fn today_of(program: &Program, now: DateTime<Utc>) -> NaiveDate {
    let tz: chrono_tz::Tz = program.time_zone.parse().unwrap();
    now.with_timezone(&tz).date_naive()
}
