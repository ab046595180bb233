//! `vedtak serve`: the whole product on one machine, no AWS.

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use vedtak::aws::AwsConfig;
use vedtak::local::{Backend, Local, LocalConfig};

#[derive(Clone, Copy, ValueEnum)]
pub enum BackendKind {
    /// An embedded store in --data-dir.
    Embedded,
    /// DynamoDB, S3 and SES from VEDTAK_TABLE, VEDTAK_BUCKET and the AWS environment (for
    /// local work against emulators such as DynamoDB Local and moto).
    Aws,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Where state lives.
    #[arg(long, value_enum, default_value = "embedded")]
    backend: BackendKind,
    /// Where the embedded store, documents and outbox live.
    #[arg(long, default_value = "./data")]
    data_dir: PathBuf,
    /// The public address of this server, used in links in e-mails.
    #[arg(long)]
    base_url: Option<String>,
    /// Give the server a settable clock (`PUT /v1/clock`), for tests and rehearsals.
    #[arg(long)]
    allow_time_travel: bool,
    /// Where the settable clock starts (RFC 3339); default: now.
    #[arg(long, requires = "allow_time_travel")]
    clock_start: Option<DateTime<chrono::FixedOffset>>,
    /// Load a demo program with Central-Norway municipalities.
    #[arg(long)]
    demo: bool,
    /// Deliver webhooks to loopback and private-network addresses too (local receivers,
    /// rehearsals). Without it such URLs are refused, so users cannot reach internal services.
    #[arg(long)]
    allow_private_webhooks: bool,
    /// Sender of the e-mails.
    #[arg(long, env = "VEDTAK_MAIL_FROM", default_value = "vedtak <noreply@vedtak.invalid>")]
    mail_from: String,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let admin_token = std::env::var("VEDTAK_ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
    let address = listener.local_addr()?;
    let base_url = args.base_url.unwrap_or_else(|| format!("http://{address}"));
    let time_travel = args
        .allow_time_travel
        .then(|| args.clock_start.map(|t| t.with_timezone(&Utc)).unwrap_or_else(Utc::now));
    let (backend, place) = match args.backend {
        BackendKind::Embedded => {
            let place = format!("data in {}", args.data_dir.display());
            (
                Backend::Embedded {
                    data_dir: args.data_dir.clone(),
                    mail_from: args.mail_from,
                },
                place,
            )
        }
        BackendKind::Aws => {
            let mut aws = AwsConfig::from_env()?;
            aws.base_url = base_url.clone();
            aws.mail_from = args.mail_from;
            let place = format!("table {}, bucket {}", aws.table, aws.bucket);
            (Backend::Aws(aws), place)
        }
    };
    let config = LocalConfig {
        backend,
        base_url: base_url.clone(),
        admin_token,
        time_travel,
        demo: args.demo,
        allow_private_webhooks: args.allow_private_webhooks,
        wrap_ports: None,
    };
    let local = Local::open(config).await?;
    if let Some(key) = &local.generated_admin_key {
        // Shown this once, as the contract says; only its hash is stored.
        println!("Platform admin key (shown once, keep it safe): {key}");
    }
    local.spawn_background();
    println!("vedtak listening on {base_url} ({place})");
    let shutdown = local.shutdown.clone();
    vedtak::http::serve(listener, local.router(), async move {
        stop_signal().await;
        shutdown.notify_waiters();
    })
    .await?;
    Ok(())
}

async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await.ok();
}
