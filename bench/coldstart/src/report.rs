//! bench/results/coldstart.json (for tools, and for bench/run.sh to merge) and
//! bench/results/coldstart.md (for people), written from one run.

use crate::functions::Kind;
use crate::results::{FunctionFigures, Measured};
use crate::targets::{self, Check};
use serde_json::{json, Map, Value};
use std::fmt::Write;
use std::path::Path;

/// Where and how the run happened: cold starts depend on the machine and on its load.
pub struct RunInfo {
    pub generated_at: String,
    pub spawns_per_function: usize,
    pub cpu: String,
    pub cpus: usize,
    pub load_before: String,
    pub load_after: String,
    pub node_version: String,
}

pub fn write(dir: &Path, run: &RunInfo, measured: &[Measured]) -> std::io::Result<()> {
    let figures: Vec<(&Measured, FunctionFigures)> = measured.iter().map(|m| (m, m.figures())).collect();
    let checks = targets::checks(&figures);
    let of = |kind: Kind| figures.iter().find(|(m, _)| m.kind == kind).map(|(_, f)| f);
    let ratio = of(Kind::Api)
        .zip(of(Kind::Node))
        .and_then(|(api, node)| targets::node_to_api_ratio(api, node));
    std::fs::create_dir_all(dir)?;
    let json = to_json(run, &figures, ratio, &checks);
    std::fs::write(dir.join("coldstart.json"), serde_json::to_string_pretty(&json)? + "\n")?;
    std::fs::write(dir.join("coldstart.md"), to_markdown(run, &figures, ratio, &checks))
}

fn to_json(run: &RunInfo, figures: &[(&Measured, FunctionFigures)], ratio: Option<f64>, checks: &[Check]) -> Value {
    let mut functions = Map::new();
    let mut node = Value::Null;
    for (m, f) in figures {
        let value = serde_json::to_value(f).expect("figures serialize");
        match m.kind {
            Kind::Node => node = value,
            _ => {
                functions.insert(m.name.clone(), value);
            }
        }
    }
    json!({
        "generated_at": run.generated_at,
        "host": { "cpu": run.cpu, "cpus": run.cpus, "load_before": run.load_before, "load_after": run.load_after },
        "spawns_per_function": run.spawns_per_function,
        "node_version": run.node_version,
        "functions": functions,
        "node": node,
        "ratio_node_to_api": ratio,
        "targets": checks,
    })
}

fn cell(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}"))
}

fn to_markdown(
    run: &RunInfo,
    figures: &[(&Measured, FunctionFigures)],
    ratio: Option<f64>,
    checks: &[Check],
) -> String {
    let mut md = String::from("# Cold start\n\n");
    let _ = writeln!(
        md,
        "Measured {} on {} ({} CPUs; load average before {}, after {}); {} spawns per function, \
         interleaved, after one unrecorded warm-up spawn each. Node.js {}.\n",
        run.generated_at, run.cpu, run.cpus, run.load_before, run.load_after, run.spawns_per_function, run.node_version
    );
    md.push_str("| Function | Median ms | p90 ms | Min ms | Max ms | Init median ms | Peak RSS MiB (max) | Zipped MiB | AWS connections before first event | Spawns answered |\n");
    md.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (m, f) in figures {
        let ms = f.cold_start_ms;
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {}/{} |",
            m.name,
            cell(ms.map(|s| s.median)),
            cell(ms.map(|s| s.p90)),
            cell(ms.map(|s| s.min)),
            cell(ms.map(|s| s.max)),
            cell(f.init_ms.map(|s| s.median)),
            cell(f.worst_rss_mib()),
            cell(f.zipped_mib),
            f.aws_connections_before_first_event,
            f.spawns,
            f.spawns + f.failed_spawns
        );
    }
    let _ = writeln!(md, "\nNode.js ÷ vedtak-api (medians): **{}**\n", cell(ratio));
    md.push_str("| Target | Measured | |\n|---|---|---|\n");
    for c in checks {
        let verdict = match c.met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "not measured",
        };
        let _ = writeln!(md, "| {} | {} | {} |", c.target, c.measured, verdict);
    }
    if let Some((_, scheduler)) = figures.iter().find(|(m, _)| m.kind == Kind::Scheduler) {
        let _ = writeln!(
            md,
            "\nThe scheduler's first event is a sweep, and every sweep reads DynamoDB: its time includes \
             {} requests ({}) answered over loopback by a fake returning an empty table, plain HTTP, no TLS. \
             Its first connection opened at a median of {} ms after spawn, after the event was taken.",
            scheduler.aws_operations.len(),
            scheduler.aws_operations.join(", "),
            cell(scheduler.first_aws_connection_ms.map(|s| s.median)),
        );
    }
    md.push_str(METHOD);
    md
}

const METHOD: &str = "
How: `bench/coldstart.sh` (the `vedtak-coldstart` tool). Each spawn starts the release binary
(host architecture) with an empty environment plus template.yaml's variables for that function,
the variables Lambda sets, dummy credentials, and every AWS endpoint variable pointed at a local
listener that counts connections. A local fake Lambda Runtime API hands out one event (api:
`GET /healthz` as an HTTP API payload 2.0 event; stream: a batch with no records; scheduler: the
schedule's `{\"source\":\"vedtak.sweep\"}`) and the time runs from spawn to the response's
arrival. Peak RSS is `VmHWM` from /proc/<pid>/status, read after the answer and before the
process is stopped. The api's health check reaches no AWS service, so its time leaves out the
TLS set-up of the SDK's HTTP client, which waits for the first AWS request; the scheduler's
time includes it. The Node.js handler (bench/node) builds a DynamoDB client of the AWS SDK v3
at init and is run by a minimal Runtime API loop in plain Node.js, lighter than Lambda's own
runtime client, so its figure is if anything low. Zipped sizes are of the arm64 `bootstrap`
built by infra/build-lambdas.sh (Node.js: the handler with its node_modules). The machine may
be shared with other work: the load average above says how busy it was.
";
