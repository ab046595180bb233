//! One command through the engine, in-process, without HTTP: decide, hash-chain the event and
//! commit, on the memory store (the engine's own cost) and on the embedded redb store (what
//! `vedtak serve` adds: a durable transaction per command). The difference is the store.

use chrono::{NaiveDate, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use std::sync::Arc;
use vedtak::adapters::embedded::EmbeddedStore;
use vedtak::adapters::memory::MemoryStore;
use vedtak::clock::SystemClock;
use vedtak::domain::*;
use vedtak::ports::Store;
use vedtak::service::{CommandRequest, Engine};

fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

fn program() -> Program {
    Program {
        id: ProgramId::parse("helseplattformen").unwrap(),
        name: text("Helseplattformen"),
        counterparty: Counterparty {
            name: text("Helseplattformen AS"),
            org_number: OrgNumber::parse("998877601").unwrap(),
        },
        // Far ahead, so the option stays open however long the benchmark runs.
        option_deadline: NaiveDate::from_ymd_opt(2099, 12, 31).unwrap(),
        time_zone: Program::DEFAULT_TIME_ZONE.into(),
        counterparty_signer: Signer {
            name: text("Torbjørg Vanvik"),
            email: Email::parse("ceo@helseplattformen.example").unwrap(),
            title: text("Administrerende direktør"),
        },
        envelope_days: Program::DEFAULT_ENVELOPE_DAYS,
        created_at: Utc::now(),
    }
}

fn municipality() -> NewEnrollment {
    NewEnrollment {
        number: MunicipalityNumber::parse("5027").unwrap(),
        name: text("Midtre Gauldal"),
        contact: Contact {
            name: text("Kontakt Midtre Gauldal"),
            email: Email::parse("post@5027.kommune.example").unwrap(),
        },
        director: Signer {
            name: text("Direktør Midtre Gauldal"),
            email: Email::parse("direktor@5027.kommune.example").unwrap(),
            title: text("Kommunedirektør"),
        },
    }
}

/// `preferences`: a command every non-terminal state accepts, so it can run again and again on
/// one enrollment; it decides, appends one chained event and commits like any other command.
fn preferences() -> CommandRequest {
    CommandRequest {
        program: ProgramId::parse("helseplattformen").unwrap(),
        number: MunicipalityNumber::parse("5027").unwrap(),
        command: Command::Preferences(Preferences {
            preferred_month: YearMonth::parse("2027-11").unwrap(),
            end_users: 420,
        }),
        actor: "bench".into(),
        if_match: None,
        idempotency: None,
        occurred_at: None,
    }
}

fn bench_store(c: &mut Criterion, name: &str, store: Arc<dyn Store>) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let engine = Engine::new(store.clone(), Arc::new(SystemClock));
    runtime.block_on(async {
        store.create_program(&program()).await.unwrap();
        engine
            .enroll(&program().id, municipality(), "bench", None)
            .await
            .unwrap();
    });
    c.benchmark_group("command").bench_function(name, |b| {
        b.iter(|| runtime.block_on(engine.execute(preferences())).unwrap())
    });
}

fn commands(c: &mut Criterion) {
    bench_store(c, "memory", Arc::new(MemoryStore::new()));
    let dir = tempfile::tempdir().unwrap();
    bench_store(c, "embedded", Arc::new(EmbeddedStore::open(dir.path()).unwrap()));
}

criterion_group!(benches, commands);
criterion_main!(benches);
