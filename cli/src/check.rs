//! `vedtak check`: re-verifies every enrollment's hash chain in a local data directory, offline.

use clap::Args;
use std::path::PathBuf;
use vedtak::adapters::embedded::EmbeddedStore;
use vedtak::integrity::check_store;

#[derive(Args)]
pub struct CheckArgs {
    /// The data directory of a stopped `vedtak serve`.
    #[arg(long, default_value = "./data")]
    data_dir: PathBuf,
}

/// Exit status 0 when every history is intact, 1 otherwise.
pub async fn run(args: CheckArgs) -> anyhow::Result<i32> {
    let store = EmbeddedStore::open(&args.data_dir)
        .map_err(|e| anyhow::anyhow!("{e} (is a server still running on this directory?)"))?;
    let reports = check_store(&store).await?;
    let broken: Vec<_> = reports.iter().filter(|r| !r.is_intact()).collect();
    for r in &broken {
        println!(
            "BROKEN {}/{}: {}",
            r.program,
            r.number,
            r.problem.as_deref().unwrap_or_default()
        );
    }
    let events: u64 = reports.iter().map(|r| r.events).sum();
    println!(
        "{} of {} histories intact ({} events checked)",
        reports.len() - broken.len(),
        reports.len(),
        events
    );
    Ok(if broken.is_empty() { 0 } else { 1 })
}
