//! `vedtak-coldstart`: measures the cold start of every Lambda function and of a Node.js
//! handler side by side and writes bench/results/coldstart.{json,md}. bench/coldstart.sh builds
//! what it needs and runs it; the options are for running it by hand.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use vedtak_coldstart::functions::{Function, Kind};
use vedtak_coldstart::report::{self, RunInfo};
use vedtak_coldstart::spawn::Output;

const USAGE: &str = "usage: vedtak-coldstart [--spawns N] [--bin-dir DIR] [--node PATH] [--node-dir DIR] \
[--zipped NAME=BYTES]... [--out DIR] [--show-output]";

struct Options {
    spawns: usize,
    bin_dir: PathBuf,
    node: PathBuf,
    node_dir: PathBuf,
    zipped: BTreeMap<String, u64>,
    out: PathBuf,
    output: Output,
}

fn options() -> Result<Options, String> {
    let spawns = std::env::var("VEDTAK_COLDSTART_SPAWNS").ok();
    let mut options = Options {
        spawns: spawns
            .map_or(Ok(25), |s| s.parse())
            .map_err(|e| format!("VEDTAK_COLDSTART_SPAWNS: {e}"))?,
        bin_dir: PathBuf::from("target/release"),
        node: on_path("node").ok_or("node is not on PATH (or give --node)")?,
        node_dir: PathBuf::from("bench/node"),
        zipped: BTreeMap::new(),
        out: PathBuf::from("bench/results"),
        output: Output::Discard,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--spawns" => options.spawns = value()?.parse().map_err(|e| format!("--spawns: {e}"))?,
            "--bin-dir" => options.bin_dir = value()?.into(),
            "--node" => options.node = value()?.into(),
            "--node-dir" => options.node_dir = value()?.into(),
            "--out" => options.out = value()?.into(),
            "--show-output" => options.output = Output::Inherit,
            "--zipped" => {
                let pair = value()?;
                let (name, bytes) = pair.split_once('=').ok_or(format!("--zipped {pair}: NAME=BYTES"))?;
                let bytes = bytes.parse().map_err(|e| format!("--zipped {pair}: {e}"))?;
                options.zipped.insert(name.to_owned(), bytes);
            }
            _ => return Err(USAGE.to_owned()),
        }
    }
    if options.spawns == 0 {
        return Err("at least one spawn is needed".into());
    }
    Ok(options)
}

/// The spawned processes get an empty environment, so programs are named by absolute path.
fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

fn first_line(path: &str, prefix: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let line = text.lines().find(|l| l.starts_with(prefix)).unwrap_or_default();
    line.split_once(':').map_or(line, |(_, v)| v).trim().to_owned()
}

fn load_average() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = options()?;
    let bin_dir = absolute(&options.bin_dir);
    let node_dir = absolute(&options.node_dir);
    let node_version = std::process::Command::new(&options.node)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .map_err(|e| format!("{}: {e}", options.node.display()))?;
    let functions = vec![
        Function::rust(Kind::Api, &bin_dir),
        Function::rust(Kind::Stream, &bin_dir),
        Function::rust(Kind::Scheduler, &bin_dir),
        Function::rust(Kind::HelloWorld, &bin_dir),
        Function::node(options.node.clone(), &node_dir),
    ];
    let load_before = load_average();
    let mut measured = vedtak_coldstart::measure(&functions, options.spawns, 1, options.output)
        .await
        .map_err(|e| format!("local listeners: {e}"))?;
    for m in &mut measured {
        m.zipped_bytes = options.zipped.get(&m.name).copied();
    }
    let run = RunInfo {
        generated_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        spawns_per_function: options.spawns,
        cpu: first_line("/proc/cpuinfo", "model name"),
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_before,
        load_after: load_average(),
        node_version,
    };
    report::write(&options.out, &run, &measured).map_err(|e| format!("{}: {e}", options.out.display()))?;
    print!(
        "{}",
        std::fs::read_to_string(options.out.join("coldstart.md")).unwrap_or_default()
    );
    Ok(())
}
