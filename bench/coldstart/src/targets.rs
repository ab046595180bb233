//! The targets of the cold-start measurement, each checked against what was measured.

use crate::functions::Kind;
use crate::results::{FunctionFigures, Measured};
use crate::stats::round2;
use serde::Serialize;

pub const API_MEDIAN_MS: f64 = 10.0;
/// The api function must start at least this many times faster than the Node.js handler.
pub const NODE_RATIO: f64 = 20.0;
pub const PEAK_RSS_MIB: f64 = 32.0;
pub const ZIPPED_MIB: f64 = 8.0;

#[derive(Debug, Serialize)]
pub struct Check {
    pub target: String,
    /// What was measured, in words and numbers; "not measured" when a figure is missing.
    pub measured: String,
    /// None: not measured, so neither met nor missed.
    pub met: Option<bool>,
}

fn check(target: String, measured: Option<(f64, String)>, met: impl Fn(f64) -> bool) -> Check {
    match measured {
        Some((value, words)) => Check {
            target,
            measured: words,
            met: Some(met(value)),
        },
        None => Check {
            target,
            measured: "not measured".into(),
            met: None,
        },
    }
}

/// Node.js median ÷ api median.
pub fn node_to_api_ratio(api: &FunctionFigures, node: &FunctionFigures) -> Option<f64> {
    Some(round2(node.median_ms()? / api.median_ms()?))
}

pub fn checks(measured: &[(&Measured, FunctionFigures)]) -> Vec<Check> {
    let of = |kind: Kind| measured.iter().find(|(m, _)| m.kind == kind);
    let functions: Vec<_> = measured
        .iter()
        .filter(|(m, _)| matches!(m.kind, Kind::Api | Kind::Stream | Kind::Scheduler))
        .collect();
    let mut checks = Vec::new();
    if let Some((_, api)) = of(Kind::Api) {
        checks.push(check(
            format!("vedtak-api cold start, median ≤ {API_MEDIAN_MS} ms"),
            api.median_ms().map(|ms| (ms, format!("{ms} ms"))),
            |ms| ms <= API_MEDIAN_MS,
        ));
        let ratio = of(Kind::Node).and_then(|(_, node)| node_to_api_ratio(api, node));
        checks.push(check(
            format!("vedtak-api ≤ 1/{NODE_RATIO} of the Node.js handler (medians, same run)"),
            ratio.map(|r| (r, format!("Node.js ÷ api = {r}"))),
            |r| r >= NODE_RATIO,
        ));
    }
    for (m, figures) in &functions {
        checks.push(check(
            format!("{} peak RSS ≤ {PEAK_RSS_MIB} MiB (largest of all spawns)", m.name),
            figures.worst_rss_mib().map(|mib| (mib, format!("{mib} MiB"))),
            |mib| mib <= PEAK_RSS_MIB,
        ));
    }
    for (m, figures) in &functions {
        checks.push(check(
            format!("{} zipped arm64 ≤ {ZIPPED_MIB} MiB", m.name),
            figures.zipped_mib.map(|mib| (mib, format!("{mib} MiB"))),
            |mib| mib <= ZIPPED_MIB,
        ));
    }
    for (m, figures) in &functions {
        let connections = figures.aws_connections_before_first_event;
        let answered = figures.spawns > 0;
        checks.push(check(
            format!("{}: no network call before the first event", m.name),
            answered.then(|| (connections as f64, format!("{connections} connections"))),
            |n| n == 0.0,
        ));
    }
    for (m, figures) in measured {
        let spawns = figures.spawns + figures.failed_spawns;
        checks.push(check(
            format!("{}: every spawn answered", m.name),
            Some((figures.failed_spawns as f64, format!("{} of {spawns}", figures.spawns))),
            |failed| failed == 0.0,
        ));
    }
    checks
}
