//! Engine throughput through the HTTP API of a real `vedtak serve` process on the embedded
//! store: full municipality lifecycles (`vedtak_bench::lifecycle`) at concurrency 1 and 32,
//! every request timed. Writes a JSON summary.
//!
//! `throughput --vedtak target/release/vedtak --out bench/results/engine.json
//!   [--municipalities 200] [--sequential 25] [--max-seconds 120]`

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vedtak_bench::lifecycle::{self, Observer, Target, PROGRAM, STEPS};
use vedtak_bench::mailbox::OutboxDir;
use vedtak_bench::server::Server;
use vedtak_bench::stats::{summarize, Summary};
use vedtak_bench::{arg, Result};

const ADMIN: &str = "bench-platform-admin-token";

#[derive(Default)]
struct Recorder(Mutex<Vec<(&'static str, Duration)>>);

#[async_trait::async_trait]
impl Observer for Recorder {
    async fn step(&self, _: &str, step: &'static str, elapsed: Duration) -> Result<()> {
        self.0.lock().unwrap().push((step, elapsed));
        Ok(())
    }
}

#[derive(Serialize)]
struct Run {
    concurrency: usize,
    lifecycles: usize,
    requests: usize,
    commands: usize,
    seconds: f64,
    requests_per_second: f64,
    commands_per_second: f64,
    /// Every request of the lifecycle (commands, the upload, the signing pages).
    latency: Summary,
    /// Only the requests that commit a command.
    command_latency: Summary,
    steps: BTreeMap<&'static str, Summary>,
}

async fn run(vedtak: &Path, concurrency: usize, lifecycles: usize, budget: Duration) -> Result<Run> {
    let server = Server::start(vedtak, ADMIN).await?;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    let admin = Target {
        base: server.base.clone(),
        client: client.clone(),
        key: ADMIN.into(),
    };
    let key = setup(&admin).await?;
    let target = Arc::new(Target {
        base: server.base.clone(),
        client,
        key,
    });
    let mailbox = Arc::new(OutboxDir(server.outbox()));
    let recorder = Arc::new(Recorder::default());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (target, mailbox, recorder, next) = (target.clone(), mailbox.clone(), recorder.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= lifecycles || started.elapsed() > budget {
                    return Ok::<usize, vedtak_bench::Error>(done);
                }
                let number = format!("{}", 1000 + i);
                lifecycle::run(&target, mailbox.as_ref(), recorder.as_ref(), &number).await?;
                done += 1;
            }
        }));
    }
    let mut completed = 0;
    for task in tasks {
        completed += task.await??;
    }
    let seconds = started.elapsed().as_secs_f64();
    server.stop().await?;
    let recorded = std::mem::take(&mut *recorder.0.lock().unwrap());
    Ok(summarize_run(concurrency, completed, seconds, &recorded))
}

fn summarize_run(concurrency: usize, lifecycles: usize, seconds: f64, recorded: &[(&'static str, Duration)]) -> Run {
    let commits = |step: &str| STEPS.iter().any(|(n, c)| *n == step && *c);
    let all: Vec<Duration> = recorded.iter().map(|(_, d)| *d).collect();
    let commands: Vec<Duration> = recorded.iter().filter(|(s, _)| commits(s)).map(|(_, d)| *d).collect();
    let steps = STEPS
        .iter()
        .map(|(name, _)| {
            let of_step: Vec<Duration> = recorded.iter().filter(|(s, _)| s == name).map(|(_, d)| *d).collect();
            (*name, summarize(&of_step))
        })
        .collect();
    Run {
        concurrency,
        lifecycles,
        requests: all.len(),
        commands: commands.len(),
        seconds: (seconds * 1000.0).round() / 1000.0,
        requests_per_second: (all.len() as f64 / seconds).round(),
        commands_per_second: (commands.len() as f64 / seconds).round(),
        latency: summarize(&all),
        command_latency: summarize(&commands),
        steps,
    }
}

/// The program and a program admin key for it.
async fn setup(admin: &Target) -> Result<String> {
    let post = |path: String, body: serde_json::Value| {
        admin
            .client
            .post(format!("{}{path}", admin.base))
            .bearer_auth(&admin.key)
            .json(&body)
            .send()
    };
    let program = post("/v1/programs".into(), vedtak_tests::program_body(PROGRAM, "2030-12-31")).await?;
    if program.status() != 201 {
        return Err(format!("creating the program: {}", program.text().await?).into());
    }
    let key = post(
        format!("/v1/programs/{PROGRAM}/keys"),
        serde_json::json!({"role": "program_admin"}),
    )
    .await?;
    let key: serde_json::Value = key.json().await?;
    Ok(key["key"].as_str().ok_or("no key")?.to_owned())
}

#[tokio::main]
async fn main() -> Result<()> {
    let vedtak = PathBuf::from(arg("--vedtak").unwrap_or_else(|| "target/release/vedtak".into()));
    let out = PathBuf::from(arg("--out").unwrap_or_else(|| "bench/results/engine.json".into()));
    let number = |name: &str, default: usize| arg(name).map_or(Ok(default), |v| v.parse::<usize>());
    let municipalities = number("--municipalities", 200)?;
    let sequential = number("--sequential", 25)?;
    let budget = Duration::from_secs(number("--max-seconds", 120)? as u64);

    let mut runs = Vec::new();
    for (concurrency, lifecycles) in [(1, sequential), (32, municipalities)] {
        let run = run(&vedtak, concurrency, lifecycles, budget).await?;
        println!(
            "concurrency {:>2}: {} lifecycles, {} requests in {:.1} s = {} req/s ({} commands/s); p50 {} ms, p99 {} ms, max {} ms",
            run.concurrency, run.lifecycles, run.requests, run.seconds, run.requests_per_second,
            run.commands_per_second, run.latency.p50_ms, run.latency.p99_ms, run.latency.max_ms
        );
        runs.push(run);
    }
    let summary = serde_json::json!({
        "requests_per_lifecycle": STEPS.len(),
        "commands_per_lifecycle": lifecycle::commands_per_lifecycle(),
        "steps": STEPS.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "runs": runs,
    });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, serde_json::to_string_pretty(&summary)? + "\n")?;
    Ok(())
}
