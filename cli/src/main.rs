//! `vedtak`: run the engine locally, and the tools around it.

mod aws_init;
mod check;
mod import;
mod keys;
mod serve;
mod verify;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "vedtak",
    version,
    about = "Political decisions and e-signing for municipalities' option agreements"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run everything in one process on an embedded store.
    Serve(serve::ServeArgs),
    /// Re-verify every enrollment's hash-chained history in a data directory.
    Check(check::CheckArgs),
    /// Check, offline, a document against its sealed certificate.
    Verify(verify::VerifyArgs),
    /// Make, rotate and publish the signing keys (the JSON kept in Secrets Manager).
    Keys(keys::KeysArgs),
    /// Create the DynamoDB table and S3 bucket (as template.yaml defines them) where missing,
    /// and the first platform admin key.
    AwsInit,
    /// Enroll the municipalities listed in a CSV file, through the API.
    Import(import::ImportArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match cli.command {
        Command::Serve(args) => runtime.block_on(serve::run(args)),
        Command::Verify(args) => std::process::exit(verify::run(args)?),
        Command::Keys(args) => keys::run(args),
        Command::AwsInit => runtime.block_on(aws_init::run()),
        Command::Import(args) => {
            let code = runtime.block_on(import::run(args))?;
            std::process::exit(code)
        }
        Command::Check(args) => {
            let code = runtime.block_on(check::run(args))?;
            std::process::exit(code)
        }
    }
}
