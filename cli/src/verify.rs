//! `vedtak verify`: checks, offline, that a document is the one a sealed certificate names and
//! that the seal is intact. Exit 0 with a one-line summary, or 1 naming what does not match.

use clap::Args;
use std::path::PathBuf;
use vedtak::signing::seal::{verify, verify_self_contained, PublishedKeys};

#[derive(Args)]
pub struct VerifyArgs {
    /// The signed document (e.g. the PDF).
    #[arg(long)]
    document: PathBuf,
    /// The certificate JSON.
    #[arg(long)]
    certificate: PathBuf,
    /// The published keys (`/.well-known/vedtak-keys.json`); without them only the key the
    /// certificate carries is checked, which proves integrity but not origin.
    #[arg(long)]
    keys: Option<PathBuf>,
}

pub fn run(args: VerifyArgs) -> anyhow::Result<i32> {
    let read = |p: &PathBuf| std::fs::read(p).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()));
    let document = read(&args.document)?;
    let certificate: serde_json::Value = serde_json::from_slice(&read(&args.certificate)?)
        .map_err(|e| anyhow::anyhow!("{} is not JSON: {e}", args.certificate.display()))?;
    let outcome = match &args.keys {
        Some(path) => {
            let keys: PublishedKeys = serde_json::from_slice(&read(path)?)
                .map_err(|e| anyhow::anyhow!("{} is not a key list: {e}", path.display()))?;
            verify(&certificate, &document, &keys)
        }
        None => verify_self_contained(&certificate, &document),
    };
    match outcome {
        Ok(v) => {
            let trust = if v.key_published {
                "a published key"
            } else {
                "the key it carries (not checked against published keys)"
            };
            println!(
                "OK: {} (SHA-256 {}) signed by {}; sealed with key {} — {}",
                args.document.display(),
                v.document_sha256,
                v.signers.join(", "),
                v.key_id,
                trust
            );
            Ok(0)
        }
        Err(e) => {
            println!("FAILED: {e}");
            Ok(1)
        }
    }
}
