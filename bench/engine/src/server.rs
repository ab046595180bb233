//! A real `vedtak serve` process on a fresh data directory, on a loopback port it picks itself.

use crate::Result;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Server {
    pub base: String,
    pub data: TempDir,
    child: Child,
}

impl Server {
    /// Starts `vedtak` (the release binary) with `admin_token` as the platform admin key and
    /// waits for the line that says where it listens.
    pub async fn start(vedtak: &Path, admin_token: &str) -> Result<Server> {
        let data = tempfile::tempdir()?;
        let mut child = Command::new(vedtak)
            .args(["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir"])
            .arg(data.path())
            .env("VEDTAK_ADMIN_TOKEN", admin_token)
            // The server's default logging, as users run it; the logs themselves are not kept.
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", vedtak.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let line = lines.next_line().await?.ok_or("vedtak serve exited before listening")?;
            if let Some(rest) = line.strip_prefix("vedtak listening on ") {
                break rest.split_whitespace().next().ok_or("no address")?.to_owned();
            }
        };
        // Keep reading stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server { base, data, child })
    }

    pub fn outbox(&self) -> PathBuf {
        self.data.path().join("outbox")
    }

    pub async fn stop(mut self) -> Result<()> {
        self.child.kill().await?;
        Ok(())
    }
}
