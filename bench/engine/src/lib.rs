//! The engine's benchmarks that need more than criterion: a full municipality lifecycle over
//! HTTP (`lifecycle`), driven against a separate `vedtak serve` process for throughput
//! (`bin/throughput`) and against the AWS backend on emulators to count requests
//! (`bin/aws-requests`); `bin/report` merges every figure into the results table.

pub mod lifecycle;
pub mod mailbox;
pub mod report;
pub mod server;
pub mod stats;

/// Errors of a benchmark run: it stops and says what went wrong, nothing to recover.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T> = std::result::Result<T, Error>;

/// The value after `name` on the command line (`--out path`), if given.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}
