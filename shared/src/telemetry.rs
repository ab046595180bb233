//! Logging, set up once per process. On Lambda the logs are JSON lines for CloudWatch Logs
//! Insights; `RUST_LOG` filters them. Secrets never reach a log line: keys, tokens and codes are
//! not logged anywhere in the engine, only key ids.

pub fn init_json() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_ansi(false)
        .without_time() // CloudWatch stamps every line itself
        .init();
}
