//! `bench/RESULTS.md`: the figures with their targets, then where the time and the requests go.

use super::Figure;
use serde_json::Value;
use std::fmt::Write;

fn number(v: f64, unit: &str) -> String {
    let digits = if v >= 100.0 || unit == "requests" {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.digits$} {unit}")
}

fn ops(requests: &Value) -> String {
    let Some(map) = requests.as_object().filter(|m| !m.is_empty()) else {
        return "—".into();
    };
    map.iter()
        .map(|(op, n)| format!("{n} {op}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn page(
    date: &str,
    cpu: &str,
    cpus: usize,
    figures: &[Figure],
    engine: &Value,
    aws: &Value,
    coldstart: Option<&str>,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Benchmark results\n");
    let _ = writeln!(s, "Measured {date} on {cpu}, {cpus} CPUs, by `bench/run.sh`.");
    let _ = writeln!(
        s,
        "What each figure means and how it is measured: [`docs/benchmarks.md`](../docs/benchmarks.md);"
    );
    let _ = writeln!(
        s,
        "what it costs on AWS: [`docs/cost.md`](../docs/cost.md). Raw figures: [`results.json`](results.json).\n"
    );
    let _ = writeln!(s, "| | figure | measured | target | |\n|---|---|---|---|---|");
    for f in figures {
        let verdict = f.met.map_or("", |m| if m { "met" } else { "**missed**" });
        let target = f.target.as_deref().unwrap_or("");
        let _ = writeln!(
            s,
            "| {} | {} | {} | {target} | {verdict} |",
            f.section,
            f.name.trim(),
            number(f.value, f.unit)
        );
    }
    steps_table(&mut s, engine);
    requests_table(&mut s, aws);
    // The cold-start table as bench/coldstart.sh wrote it, under this page's heading level.
    if let Some(table) = coldstart {
        let body = table.split_once('\n').map_or("", |(_, rest)| rest).trim();
        let _ = writeln!(
            s,
            "\n## Cold start\n\n{body}\n\n(From [`results/coldstart.md`](results/coldstart.md).)"
        );
    }
    s
}

fn steps_table(s: &mut String, engine: &Value) {
    let Some(runs) = engine["runs"].as_array() else { return };
    for run in runs {
        let _ = writeln!(
            s,
            "\n## Latency by step, concurrency {} ({} lifecycles, {} requests in {} s)\n",
            run["concurrency"], run["lifecycles"], run["requests"], run["seconds"]
        );
        let _ = writeln!(s, "| step | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|");
        if let Some(steps) = run["steps"].as_object() {
            let order = engine["steps"].as_array().cloned().unwrap_or_default();
            for name in order.iter().filter_map(Value::as_str) {
                let st = &steps[name];
                let _ = writeln!(
                    s,
                    "| {name} | {} | {} | {} | {} |",
                    st["p50_ms"], st["p90_ms"], st["p99_ms"], st["max_ms"]
                );
            }
        }
    }
}

fn requests_table(s: &mut String, aws: &Value) {
    let _ = writeln!(
        s,
        "\n## AWS requests by step (one municipality, DynamoDB Local and moto)\n"
    );
    let _ = writeln!(
        s,
        "The API function's requests answer the HTTP request; the stream function's perform the"
    );
    let _ = writeln!(s, "outbox entries the commit left (e-mails), after it.\n");
    let _ = writeln!(
        s,
        "| step | API function | WRU | stream function | WRU |\n|---|---|---|---|---|"
    );
    for step in aws["steps"].as_array().cloned().unwrap_or_default() {
        let (api, effects) = (&step["api"], &step["effects"]);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            step["step"].as_str().unwrap_or("?"),
            ops(&api["requests"]),
            api["write_units"].as_u64().unwrap_or(0) + api["index_write_units"].as_u64().unwrap_or(0),
            ops(&effects["requests"]),
            effects["write_units"].as_u64().unwrap_or(0) + effects["index_write_units"].as_u64().unwrap_or(0),
        );
    }
    let t = &aws["totals"];
    let _ = writeln!(
        s,
        "| **total** | {} | | {} | |",
        ops(&t["api_function"]["requests"]),
        ops(&t["stream_function"]["requests"])
    );
}
