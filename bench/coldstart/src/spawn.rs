//! One cold start: spawn the process with its clean environment, hand it one event through the
//! fake Runtime API, time spawn → answer received, read its peak RSS, stop it.

use crate::environment::function_arn;
use crate::fake_aws::FakeAws;
use crate::functions::Function;
use crate::runtime_api::RuntimeApi;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Far beyond any healthy start; a function that takes longer is reported as failed.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// What one spawn measured.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Process spawn → the first invocation's response received by the Runtime API.
    pub cold_start_ms: f64,
    /// Process spawn → the first event taken (`next`): the init phase.
    pub init_ms: f64,
    /// The process's high-water resident set (`VmHWM` of /proc/<pid>/status), read after the
    /// answer arrived and before the process is stopped; None where /proc cannot tell.
    pub peak_rss_kib: Option<u64>,
    /// Connections to any AWS endpoint opened before the first event was delivered.
    pub aws_connections_before_event: usize,
    /// Connections to AWS endpoints up to the answer, and what was asked over them.
    pub aws_connections: usize,
    pub aws_operations: Vec<String>,
    /// Process spawn → the first connection to an AWS endpoint, if any.
    pub first_aws_connection_ms: Option<f64>,
}

/// Where the spawned process's stdout and stderr go.
#[derive(Debug, Clone, Copy)]
pub enum Output {
    /// Thrown away: the usual case, a pipe nobody reads would only add noise.
    Discard,
    /// Onto this tool's own terminal, to see why a function fails.
    Inherit,
}

pub async fn cold_start(
    function: &Function,
    runtime: &mut RuntimeApi,
    aws: &FakeAws,
    output: Output,
) -> Result<Sample, String> {
    aws.reset();
    let outcome = runtime.invoke(&function_arn(&function.function_name()), function.first_event());
    let stdio = || match output {
        Output::Discard => Stdio::null(),
        Output::Inherit => Stdio::inherit(),
    };
    let mut command = tokio::process::Command::new(&function.program);
    command
        .args(&function.args)
        .env_clear()
        .envs(function.environment(&runtime.address(), &aws.url()))
        .stdin(Stdio::null())
        .stdout(stdio())
        .stderr(stdio())
        .kill_on_drop(true);
    let spawned_at = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("{}: {e}", function.program.display()))?;
    let outcome = tokio::select! {
        outcome = outcome => outcome.map_err(|_| "the runtime API dropped the invocation".to_owned()),
        status = child.wait() => Err(format!("exited before answering: {status:?}")),
        _ = tokio::time::sleep(ANSWER_TIMEOUT) => Err(format!("no answer within {ANSWER_TIMEOUT:?}")),
    };
    let peak_rss_kib = child.id().and_then(peak_rss_kib);
    let _ = child.start_kill();
    let _ = child.wait().await;
    let outcome = outcome?;
    if !outcome.ok {
        return Err(format!("answered with an error: {}", outcome.body));
    }
    if !function.answer_is_right(&outcome.body) {
        return Err(format!("unexpected answer: {}", outcome.body));
    }
    let delivered_at = outcome.delivered_at.ok_or("answered without taking the event")?;
    let since_spawn = |t: Instant| t.duration_since(spawned_at).as_secs_f64() * 1000.0;
    Ok(Sample {
        cold_start_ms: since_spawn(outcome.answered_at),
        init_ms: since_spawn(delivered_at),
        peak_rss_kib,
        aws_connections_before_event: aws.connections_before(delivered_at),
        aws_connections: aws.connections(),
        aws_operations: aws.operations(),
        first_aws_connection_ms: aws.first_connection().map(since_spawn),
    })
}

/// `VmHWM` of a running process, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}
