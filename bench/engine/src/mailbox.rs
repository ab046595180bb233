//! E-mails of a local server, read from its outbox directory. Each outbox entry has the id
//! `{program}/{number}/{version}/{index}` and is written as `{program}_{number}_{version}_{index}.eml`,
//! so the mail of a given commit is found by name, without listing a directory that grows by
//! several files per municipality.

use crate::lifecycle::{Mailbox, PROGRAM};
use crate::Result;
use async_trait::async_trait;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// More outbox entries than one commit makes today (at most a state-change message and a mail).
const ENTRIES_PER_COMMIT: u64 = 4;
const WAIT: Duration = Duration::from_secs(20);

pub struct OutboxDir(pub PathBuf);

#[async_trait]
impl Mailbox for OutboxDir {
    async fn mail(&self, number: &str, versions: RangeInclusive<u64>, to: &str) -> Result<String> {
        let started = Instant::now();
        loop {
            for version in versions.clone() {
                for index in 0..ENTRIES_PER_COMMIT {
                    let path = self.0.join(format!("{PROGRAM}_{number}_{version}_{index}.eml"));
                    if let Ok(raw) = tokio::fs::read_to_string(&path).await {
                        if addressed_to(&raw, to) {
                            return Ok(raw);
                        }
                    }
                }
            }
            if started.elapsed() > WAIT {
                return Err(format!("no e-mail to {to} from {number} at versions {versions:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

/// Whether the `To:` header names `email`, also when a long name folded it onto more lines.
pub fn addressed_to(raw: &str, email: &str) -> bool {
    let unfolded = raw.replace("\r\n", "\n").replace("\n ", " ").replace("\n\t", " ");
    unfolded
        .lines()
        .take_while(|l| !l.is_empty())
        .any(|l| l.starts_with("To:") && l.contains(&format!("<{email}>")))
}
