//! `vedtak keys`: the signing keys JSON that the AWS backend reads from its Secrets Manager secret
//! (`VEDTAK_KEYS_SECRET_ARN`) or from `VEDTAK_KEYS`. Everything goes through stdin and stdout, so
//! keys can be piped straight into and out of `aws secretsmanager` without touching a file;
//! errors never echo what was read.

use clap::{Args, Subcommand};
use std::io::Read;
use vedtak::signing::keys::{check_key_id, Keys};

#[derive(Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Print fresh keys (a new sealing key and link key) as the keys JSON.
    New {
        /// The sealing key's id, as certificates and the published keys name it
        /// [default: today's date, YYYY-MM-DD]
        #[arg(long)]
        key_id: Option<String>,
    },
    /// Read keys JSON on stdin and print it rotated: a fresh sealing key named --key-id, the
    /// old one first among the retired keys (certificates sealed with it still verify), the
    /// link key unchanged (links and codes already sent still work).
    Rotate {
        /// The new sealing key's id; must differ from every id used before
        /// [default: today's date, YYYY-MM-DD]
        #[arg(long)]
        key_id: Option<String>,
    },
    /// Read keys JSON on stdin and print the public keys, as /.well-known/vedtak-keys.json
    /// serves them (for `vedtak verify --keys`).
    Public,
}

pub fn run(args: KeysArgs) -> anyhow::Result<()> {
    let today = || chrono::Utc::now().format("%Y-%m-%d").to_string();
    let json = match args.command {
        KeysCommand::New { key_id } => {
            let key_id = key_id.unwrap_or_else(today);
            check_key_id(&key_id)?;
            Keys::generate(&key_id).1
        }
        KeysCommand::Rotate { key_id } => {
            let old = stdin()?;
            Keys::rotate(&old, &key_id.unwrap_or_else(today))?.1
        }
        KeysCommand::Public => Keys::from_json(&stdin()?)?.published_json(),
    };
    println!("{json}");
    Ok(())
}

fn stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| anyhow::anyhow!("cannot read the keys JSON from stdin: {e}"))?;
    Ok(text)
}
