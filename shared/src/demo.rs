//! `vedtak serve --demo`: the Helseplattformen option round in Central Norway, 2020-2021,
//! replayed through the ordinary service at its own dates, so the history and hash chains are
//! as real as any other. Municipalities, bodies and the dates Holtålen (16.02.2021, formannskap)
//! and Midtre Gauldal (18.02.2021, unanimous kommunestyre) decided are from the news; vote
//! counts, case numbers, contacts and the later steps of other municipalities are invented
//! for illustration, and the e-mail addresses use the reserved `.example` domain.
//!
//! Only steps that lie before the server's "now" are loaded: with `--allow-time-travel
//! --clock-start 2021-02-17T12:00:00+01:00` the story stops there and can be continued by hand.

use crate::clock::FixedClock;
use crate::domain::*;
use crate::ports::DocumentGrant;
use crate::service::{CommandRequest, Engine, EnvelopeRequest, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

pub const PROGRAM_ID: &str = "helseplattformen";

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("demo time").with_timezone(&Utc)
}
fn txt(s: &str) -> Text {
    Text::parse(s).expect("demo text")
}
fn email(s: &str) -> Email {
    Email::parse(s).expect("demo e-mail")
}
fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("demo date")
}

fn program(created_at: DateTime<Utc>) -> Program {
    Program {
        id: ProgramId::parse(PROGRAM_ID).expect("demo id"),
        name: txt("Helseplattformen – felles journalløsning i Midt-Norge (demo)"),
        counterparty: Counterparty {
            name: txt("Helseplattformen AS"),
            org_number: OrgNumber::parse("998877601").expect("demo org"),
        },
        option_deadline: day("2021-10-31"),
        time_zone: Program::DEFAULT_TIME_ZONE.into(),
        counterparty_signer: Signer {
            name: txt("Torbjørg Vanvik"),
            email: email("adm.dir@helseplattformen.example"),
            title: txt("Administrerende direktør"),
        },
        envelope_days: Program::DEFAULT_ENVELOPE_DAYS,
        created_at,
    }
}

/// (number, name, director's name) of the demo municipalities.
const MUNICIPALITIES: &[(&str, &str, &str)] = &[
    ("1505", "Kristiansund", "Kommunedirektør Kristiansund"),
    ("5014", "Frøya", "Kommunedirektør Frøya"),
    ("5025", "Røros", "Kjersti Forbord Jensås"),
    ("5026", "Holtålen", "Marius Jermstad"),
    ("5027", "Midtre Gauldal", "Kommunedirektør Midtre Gauldal"),
    ("5029", "Skaun", "Kommunedirektør Skaun"),
    ("5031", "Malvik", "Kommunedirektør Malvik"),
    ("5032", "Selbu", "Kommunedirektør Selbu"),
    ("5054", "Indre Fosen", "Kommunedirektør Indre Fosen"),
    ("5057", "Ørland", "Kommunedirektør Ørland"),
    ("5058", "Åfjord", "Kommunedirektør Åfjord"),
];

fn new_enrollment(number: &str, name: &str, director: &str) -> NewEnrollment {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ø' => 'o',
            'å' => 'a',
            'æ' => 'e',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect();
    NewEnrollment {
        number: MunicipalityNumber::parse(number).expect("demo number"),
        name: txt(name),
        contact: Contact {
            name: txt(&format!("Innføringsleder {name}")),
            email: email(&format!("postmottak@{slug}.kommune.example")),
        },
        director: Signer {
            name: txt(director),
            email: email(&format!("kommunedirektor@{slug}.kommune.example")),
            title: txt("Kommunedirektør"),
        },
    }
}

fn vote(body: Body, date: &str, case: &str, counts: (u32, u32, u32, u32), casting: Option<Side>) -> Command {
    let (members, present, votes_for, votes_against) = counts;
    Command::Decision(VoteInput {
        body,
        date: day(date),
        case_number: CaseNumber::parse(case).expect("demo case"),
        members,
        present,
        votes_for,
        votes_against,
        chair_casting_vote: casting,
        protocol_sha256: None,
    })
}

fn meeting(body: Body, date: &str, case: &str) -> Command {
    Command::Meetings(Meeting {
        body,
        date: day(date),
        case_number: CaseNumber::parse(case).expect("demo case"),
    })
}

fn prefs(month: &str, end_users: u32) -> Command {
    Command::Preferences(Preferences {
        preferred_month: YearMonth::parse(month).expect("demo month"),
        end_users,
    })
}

/// The story after the notices went out: (when, municipality, command).
fn steps() -> Vec<(&'static str, &'static str, Command)> {
    use Body::{Formannskap as F, Kommunestyre as K};
    vec![
        (
            "2020-12-10T18:00:00+01:00",
            "5054",
            vote(K, "2020-12-10", "2020/1412", (27, 25, 25, 0), None),
        ),
        (
            "2020-12-15T19:00:00+01:00",
            "1505",
            vote(K, "2020-12-15", "20/02231", (45, 41, 33, 8), None),
        ),
        ("2021-01-05T10:00:00+01:00", "5054", Command::Exercise),
        ("2021-01-12T10:00:00+01:00", "1505", Command::Exercise),
        ("2021-02-01T09:00:00+01:00", "5026", meeting(F, "2021-02-16", "2021/87")),
        (
            "2021-02-02T09:00:00+01:00",
            "5027",
            meeting(K, "2021-02-18", "21/00245"),
        ),
        (
            "2021-02-16T15:00:00+01:00",
            "5026",
            vote(F, "2021-02-16", "2021/87", (5, 5, 5, 0), None),
        ),
        ("2021-02-17T10:00:00+01:00", "5026", Command::Exercise),
        (
            "2021-02-18T20:00:00+01:00",
            "5027",
            vote(K, "2021-02-18", "21/00245", (27, 25, 25, 0), None),
        ),
        ("2021-03-01T10:00:00+01:00", "5027", Command::Exercise),
        (
            "2021-03-03T09:00:00+01:00",
            "5025",
            meeting(K, "2021-03-25", "2021/311"),
        ),
        (
            "2021-03-25T19:30:00+01:00",
            "5025",
            vote(K, "2021-03-25", "2021/311", (25, 23, 19, 4), None),
        ),
        ("2021-04-06T10:00:00+02:00", "5025", Command::Exercise),
        ("2021-04-12T10:00:00+02:00", "5025", prefs("2022-11", 420)),
        ("2021-04-12T10:05:00+02:00", "5026", prefs("2022-11", 230)),
        (
            "2021-04-20T21:00:00+02:00",
            "5029",
            vote(K, "2021-04-20", "21/512", (21, 20, 10, 10), Some(Side::Against)),
        ),
        (
            "2021-04-26T20:00:00+02:00",
            "5031",
            vote(K, "2021-04-26", "2021/0933", (35, 33, 24, 9), None),
        ),
        ("2021-05-03T10:00:00+02:00", "5031", Command::Exercise),
        (
            "2021-05-06T19:00:00+02:00",
            "5057",
            vote(K, "2021-05-06", "21/1187", (35, 31, 26, 5), None),
        ),
        (
            "2021-05-06T19:30:00+02:00",
            "5058",
            vote(K, "2021-05-06", "21/990", (27, 24, 20, 4), None),
        ),
        ("2021-05-10T10:00:00+02:00", "5057", Command::Exercise),
        ("2021-05-11T10:00:00+02:00", "5058", Command::Exercise),
        ("2021-05-20T10:00:00+02:00", "5029", meeting(K, "2021-06-17", "21/512")),
        (
            "2021-06-10T12:00:00+02:00",
            "5032",
            Command::Decline {
                reason: Text::parse_long(
                    "Kommunestyret vil vurdere løsningen på nytt når den er i drift i nabokommunene.",
                )
                .expect("demo reason"),
            },
        ),
        (
            "2021-06-17T21:00:00+02:00",
            "5029",
            vote(K, "2021-06-17", "21/512", (21, 21, 14, 7), None),
        ),
        ("2021-09-01T10:00:00+02:00", "5029", Command::Exercise),
        ("2021-09-15T10:00:00+02:00", "5058", prefs("2023-03", 310)),
    ]
}

/// One step of the story.
enum Step {
    Command(Command),
    Signing(Signing),
}

/// What the demo does besides ordinary commands: the service agreement sent and signed.
enum Signing {
    /// The agreement is sent (signers: the director, then the CEO).
    Send,
    /// Signer `n` asks for a code and signs with it.
    Sign(usize),
}

/// Indre Fosen signs all the way and schedules go-live; Kristiansund's director has signed and
/// the CEO's signature is awaited; Holtålen's agreement is out for signing.
fn signing_steps() -> Vec<(&'static str, &'static str, Signing)> {
    vec![
        ("2021-02-01T09:00:00+01:00", "5054", Signing::Send),
        ("2021-02-03T13:10:00+01:00", "5054", Signing::Sign(0)),
        ("2021-02-05T08:45:00+01:00", "5054", Signing::Sign(1)),
        ("2021-02-08T09:00:00+01:00", "1505", Signing::Send),
        ("2021-02-09T15:20:00+01:00", "1505", Signing::Sign(0)),
        ("2021-03-01T09:00:00+01:00", "5026", Signing::Send),
    ]
}

/// The agreement the demo signs: plain text, so anyone can read what the hashes cover.
const DEMO_AGREEMENT: &str = "TJENESTEAVTALE (demo)\n\nMellom kommunen og Helseplattformen AS om bruk av \
    felles journalløsning. Dette dokumentet er laget for demonstrasjon og har ingen rettsvirkning.\n";

/// Loads the demo program unless it is there already. Frøya is sent the notice but never
/// decides: the sweep lapses it once the deadline has passed. Signing steps are loaded where
/// the engine can seal (always in `vedtak serve`).
pub async fn load(engine: &Engine) -> Result<(), ServiceError> {
    let now = engine.now();
    let id = ProgramId::parse(PROGRAM_ID).expect("demo id");
    let start = t("2020-11-02T10:00:00+01:00");
    if engine.store.program(&id).await?.is_some() || start > now {
        return Ok(());
    }
    let clock = Arc::new(FixedClock::at(start));
    let mut replay = Engine::new(engine.store.clone(), clock.clone());
    replay.signing = engine.signing.clone();
    replay.store.create_program(&program(start)).await?;
    for (number, name, director) in MUNICIPALITIES {
        replay
            .enroll(&id, new_enrollment(number, name, director), "demo", None)
            .await?;
        run(&replay, &id, number, Command::Notice).await?;
    }
    let mut timeline: Vec<(DateTime<Utc>, &str, Step)> = steps()
        .into_iter()
        .map(|(at, n, c)| (t(at), n, Step::Command(c)))
        .collect();
    if replay.signing.is_some() {
        timeline.extend(
            signing_steps()
                .into_iter()
                .map(|(at, n, s)| (t(at), n, Step::Signing(s))),
        );
    }
    timeline.sort_by_key(|(at, ..)| *at);
    for (at, number, step) in timeline {
        if at > now {
            break;
        }
        clock.set(at);
        match step {
            Step::Command(command) => run(&replay, &id, number, command).await?,
            Step::Signing(signing) => sign(&replay, &id, number, signing).await?,
        }
    }
    if replay.signing.is_some() && t("2021-03-10T10:00:00+01:00") <= now {
        clock.set(t("2021-03-10T10:00:00+01:00"));
        let golive = Command::Golive {
            date: day("2022-11-12"),
            end_users: 900,
        };
        run(&replay, &id, "5054", golive).await?;
    }
    // The demo's notices are history, not news: wake the real dispatcher all the same, so
    // they appear in the outbox as they would have then.
    engine.outbox_signal.notify_one();
    Ok(())
}

async fn sign(engine: &Engine, program: &ProgramId, number: &str, step: Signing) -> Result<(), ServiceError> {
    let number = MunicipalityNumber::parse(number).expect("demo number");
    let request = EnvelopeRequest {
        program: program.clone(),
        number: number.clone(),
        actor: "demo".into(),
        if_match: None,
        idempotency: None,
    };
    match step {
        Signing::Send => {
            let documents = &engine.signing.as_ref().expect("checked by the caller").documents;
            let stored = documents
                .put(DEMO_AGREEMENT.as_bytes().to_vec().into(), "text/plain; charset=utf-8")
                .await;
            let sha = stored.map_err(|e| ServiceError::Signing(e.to_string()))?.sha256;
            // As if the program's admin had uploaded it.
            let grant = DocumentGrant {
                sha256: sha.clone(),
                program: program.clone(),
                granted_at: engine.now(),
            };
            engine.store.put_document_grant(&grant).await?;
            let title = txt("Tjenesteavtale Helseplattformen");
            engine.open_agreement(&request, title, &[sha], None).await?;
        }
        Signing::Sign(signer) => {
            // A signer's own steps, as the signing page takes them: a code, then the signature
            // (the demo stands in for the person who read the code from their e-mail).
            let nonce = crate::signing::links::nonce();
            engine
                .execute_envelope(&request, |_, _, _| {
                    Ok(EnvelopeCommand::RequestCode {
                        signer,
                        nonce: nonce.clone(),
                    })
                })
                .await?;
            let sign = EnvelopeCommand::Sign {
                signer,
                code_matches: true,
                ip: "192.0.2.10".into(), // a documentation address: this is a demo
                user_agent: "vedtak demo".into(),
            };
            engine.execute_envelope(&request, |_, _, _| Ok(sign.clone())).await?;
        }
    }
    Ok(())
}

async fn run(engine: &Engine, program: &ProgramId, number: &str, command: Command) -> Result<(), ServiceError> {
    let request = CommandRequest {
        program: program.clone(),
        number: MunicipalityNumber::parse(number).expect("demo number"),
        command,
        actor: "demo".into(),
        if_match: None,
        idempotency: None,
        occurred_at: None,
    };
    engine.execute(request).await.map(|_| ())
}
