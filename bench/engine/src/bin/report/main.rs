//! Merges every figure of a benchmark run into `bench/results.json` and `bench/RESULTS.md`,
//! each beside its target, with the date and the machine.
//!
//! `report --results bench/results --criterion target/criterion --out bench`

mod markdown;

use serde::Serialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use vedtak_bench::report::{criterion_mean_ns, machine, openssl_rates, read_json};
use vedtak_bench::Result;

const TEN_MIB: f64 = 10.0 * 1024.0 * 1024.0;

#[derive(Serialize)]
pub struct Figure {
    pub section: &'static str,
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
    pub target: Option<String>,
    pub met: Option<bool>,
}

fn figure(section: &'static str, name: &str, value: f64, unit: &'static str) -> Figure {
    Figure {
        section,
        name: name.into(),
        value,
        unit,
        target: None,
        met: None,
    }
}

fn with_target(mut f: Figure, target: &str, met: bool) -> Figure {
    f.target = Some(target.into());
    f.met = Some(met);
    f
}

fn arg(name: &str, default: &str) -> PathBuf {
    PathBuf::from(vedtak_bench::arg(name).unwrap_or_else(|| default.into()))
}

fn main() -> Result<()> {
    let results = arg("--results", "bench/results");
    let criterion = arg("--criterion", "target");
    let out = arg("--out", "bench");
    let engine = read_json(&results.join("engine.json"))?;
    let aws = read_json(&results.join("aws-requests.json"))?;
    let mut figures = engine_figures(&engine)?;
    let crypto = crypto_figures(&criterion, &results, &mut figures)?;
    aws_figures(&aws, &mut figures);
    let coldstart = read_json(&results.join("coldstart.json")).ok();

    let (cpu, cpus) = machine();
    let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let all = json!({
        "date": date, "machine": {"cpu": cpu, "cpus": cpus},
        "figures": figures, "engine": engine, "crypto": crypto, "aws_requests": aws, "coldstart": coldstart,
    });
    std::fs::write(out.join("results.json"), serde_json::to_string_pretty(&all)? + "\n")?;
    let coldstart_table = std::fs::read_to_string(results.join("coldstart.md")).ok();
    let page = markdown::page(&date, &cpu, cpus, &figures, &engine, &aws, coldstart_table.as_deref());
    std::fs::write(out.join("RESULTS.md"), page)?;
    for f in &figures {
        let verdict = f.met.map_or("", |m| if m { "  met" } else { "  MISSED" });
        println!("{:<60} {:>12.2} {:<8}{verdict}", f.name, f.value, f.unit);
    }
    Ok(())
}

fn engine_figures(engine: &Value) -> Result<Vec<Figure>> {
    let mut figures = Vec::new();
    for run in engine["runs"].as_array().ok_or("engine.json has no runs")? {
        let c = run["concurrency"].as_u64().unwrap_or(0);
        let name = |what: &str| format!("HTTP, concurrency {c}: {what}");
        let rps = run["requests_per_second"].as_f64().unwrap_or(0.0);
        let cps = run["commands_per_second"].as_f64().unwrap_or(0.0);
        // The targets are the issue's: commands per second, and the p99 of committing requests.
        let p99 = run["command_latency"]["p99_ms"].as_f64().unwrap_or(f64::MAX);
        figures.push(figure("engine", &name("requests/s (full lifecycles)"), rps, "req/s"));
        let commands = figure("engine", &name("of them commands/s"), cps, "cmd/s");
        figures.push(if c == 32 {
            with_target(commands, ">= 2,000", cps >= 2000.0)
        } else {
            commands
        });
        for p in ["p50", "p90"] {
            figures.push(figure(
                "engine",
                &name(&format!("{p} latency of commands")),
                run["command_latency"][format!("{p}_ms")].as_f64().unwrap_or(0.0),
                "ms",
            ));
        }
        let p99f = figure("engine", &name("p99 latency of commands"), p99, "ms");
        figures.push(if c == 32 {
            with_target(p99f, "<= 20 ms", p99 <= 20.0)
        } else {
            p99f
        });
        figures.push(figure(
            "engine",
            &name("max latency of commands"),
            run["command_latency"]["max_ms"].as_f64().unwrap_or(0.0),
            "ms",
        ));
    }
    Ok(figures)
}

fn crypto_figures(target: &Path, results: &Path, figures: &mut Vec<Figure>) -> Result<Value> {
    let mean = |id: &str| criterion_mean_ns(target, id);
    let ours = TEN_MIB / (mean("document/sha256_10mib")? / 1e9);
    let openssl = |file: &str| -> Result<f64> {
        let text = std::fs::read_to_string(results.join(file)).map_err(|e| format!("{file}: {e}"))?;
        Ok(openssl_rates(&text)?.last().ok_or("no openssl rate")?.1)
    };
    let (limit, limit_16k) = (openssl("openssl-10mib.txt")?, openssl("openssl-16k.txt")?);
    let mb = |bytes_per_s: f64| bytes_per_s / 1e6;
    figures.push(figure(
        "crypto",
        "SHA-256 of 10 MiB, document path (Sha256Hex::of, ring)",
        mb(ours),
        "MB/s",
    ));
    figures.push(figure(
        "crypto",
        "openssl speed -evp sha256, 10 MiB blocks",
        mb(limit),
        "MB/s",
    ));
    figures.push(figure(
        "crypto",
        "openssl speed -evp sha256, 16 KiB blocks",
        mb(limit_16k),
        "MB/s",
    ));
    let ratio = ours / limit;
    figures.push(with_target(
        figure("crypto", "document hashing / openssl (10 MiB)", ratio, "x"),
        ">= 0.85",
        ratio >= 0.85,
    ));
    let put = TEN_MIB / (mean("document/put_10mib_files")? / 1e9);
    figures.push(figure(
        "crypto",
        "upload of 10 MiB to local files (hash + fsync'd write)",
        mb(put),
        "MB/s",
    ));
    let micros = |id: &str| -> Result<f64> { Ok(mean(id)? / 1e3) };
    let rows = [
        (
            "certificate/seal",
            "certificate seal (canonical JSON + Ed25519 + stored form)",
        ),
        (
            "certificate/verify",
            "certificate verify (document hash + canonical JSON + Ed25519)",
        ),
        ("webhook/sign", "webhook signature, HMAC-SHA256 per message"),
        ("webhook/verify", "webhook signature check per message"),
        ("command/memory", "one command in-process, memory store"),
        ("command/embedded", "one command in-process, embedded store (redb)"),
    ];
    let mut measured = serde_json::Map::new();
    for (id, name) in rows {
        let us = micros(id)?;
        let section = if id.starts_with("command") { "engine" } else { "crypto" };
        figures.push(figure(section, name, us, "µs"));
        measured.insert(id.into(), json!(us));
    }
    Ok(
        json!({"sha256_10mib_bytes_per_s": ours, "openssl_10mib_bytes_per_s": limit,
        "openssl_16k_bytes_per_s": limit_16k, "ratio": ratio, "put_10mib_bytes_per_s": put, "micros": measured}),
    )
}

fn aws_figures(aws: &Value, figures: &mut Vec<Figure>) {
    let totals = &aws["totals"];
    let total = totals["requests"].as_f64().unwrap_or(0.0);
    figures.push(figure(
        "aws",
        "AWS requests per municipality lifecycle",
        total,
        "requests",
    ));
    if let Some(services) = totals["by_service"].as_object() {
        for (service, n) in services {
            figures.push(figure(
                "aws",
                &format!("  of them {service}"),
                n.as_f64().unwrap_or(0.0),
                "requests",
            ));
        }
    }
    let one = aws["one_transaction_per_command"].as_bool().unwrap_or(false);
    let commands = aws["commands"].as_f64().unwrap_or(0.0);
    let transactions = totals["api_function"]["requests"]["DynamoDB.TransactWriteItems"]
        .as_f64()
        .unwrap_or(0.0);
    figures.push(with_target(
        figure(
            "aws",
            &format!("TransactWriteItems for the lifecycle's {commands} commands"),
            transactions,
            "requests",
        ),
        "one per command, no other write",
        one,
    ));
}
