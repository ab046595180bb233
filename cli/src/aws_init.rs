//! `vedtak aws-init`: on an emulator or a first deployment, creates what is missing — the
//! table and bucket exactly as `template.yaml` defines them (one definition in
//! `vedtak::adapters::aws_schema`), and a platform admin key, printed once.

use std::sync::Arc;
use vedtak::aws::{AwsBackend, AwsConfig};
use vedtak::clock::SystemClock;
use vedtak::local::first_admin_key;
use vedtak::service::Engine;

pub async fn run() -> anyhow::Result<()> {
    let config = AwsConfig::from_env()?;
    let backend = AwsBackend::connect(config).await;
    let created = backend.init().await.map_err(|e| anyhow::anyhow!(e))?;
    if created.is_empty() {
        println!(
            "table {} and bucket {} exist already",
            backend.config.table, backend.config.bucket
        );
    }
    for what in created {
        println!("created {what}");
    }
    let engine = Engine::new(backend.store.clone(), Arc::new(SystemClock));
    match first_admin_key(&engine).await? {
        Some(key) => println!("Platform admin key (shown once, keep it safe): {key}"),
        None => println!("a platform admin key exists already"),
    }
    Ok(())
}
