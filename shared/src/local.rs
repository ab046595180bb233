//! Local mode: the whole product in one process on the embedded store. `vedtak serve` and the
//! end-to-end tests assemble it through this one function, so the tests run what users run.

use crate::adapters::{embedded::EmbeddedStore, eml::EmlMailer, files::FileDocuments};
use crate::auth::{generate_key, hash_key, ApiKey, Role};
use crate::clock::{SystemClock, TravelClock};
use crate::dispatch::Dispatcher;
use crate::http::{router, AppState};
use crate::ports::{Clock, Store, StoreError};
use crate::service::Engine;
use crate::sweep;
use axum::Router;
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Notify;

/// The stored id of the platform admin key that `vedtak serve` creates at first start.
pub const FIRST_ADMIN_KEY_ID: &str = "platform";

pub struct LocalConfig {
    pub data_dir: PathBuf,
    pub base_url: String,
    /// `VEDTAK_ADMIN_TOKEN`: a platform admin key that is never stored.
    pub admin_token: Option<String>,
    /// `Some(start)` with `--allow-time-travel`.
    pub time_travel: Option<DateTime<Utc>>,
    pub mail_from: String,
    /// Load the demo program (`--demo`).
    pub demo: bool,
}

pub struct Local {
    pub state: AppState,
    pub dispatcher: Arc<Dispatcher>,
    /// Set only at the very first start without `VEDTAK_ADMIN_TOKEN`: print it, once.
    pub generated_admin_key: Option<String>,
    pub shutdown: Arc<Notify>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot use data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Service(#[from] crate::service::ServiceError),
}

impl Local {
    pub async fn open(config: LocalConfig) -> Result<Local, StartError> {
        let dir = &config.data_dir;
        std::fs::create_dir_all(dir).map_err(|e| StartError::DataDir(dir.clone(), e))?;
        let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir)?);
        let documents = Arc::new(FileDocuments::new(dir.join("documents")));
        let mailer = Arc::new(EmlMailer::new(dir.join("outbox"), config.mail_from.clone()));
        let travel = config
            .time_travel
            .map(|start| Arc::new(TravelClock::starting_at(start)));
        let clock: Arc<dyn Clock> = match &travel {
            Some(t) => t.clone(),
            None => Arc::new(SystemClock),
        };
        let engine = Arc::new(Engine::new(store.clone(), clock.clone()));
        let dispatcher = Arc::new(Dispatcher {
            store: store.clone(),
            mailer,
            clock,
        });

        let generated_admin_key = match &config.admin_token {
            Some(_) => None,
            None => first_admin_key(&engine).await?,
        };
        if config.demo {
            crate::demo::load(&engine).await?;
        }
        sweep::sweep(&engine, engine.now()).await?;

        let state = AppState {
            engine,
            documents,
            travel,
            admin_token_hash: config.admin_token.as_deref().map(hash_key),
            dispatcher: Some(dispatcher.clone()),
            base_url: config.base_url,
        };
        Ok(Local {
            state,
            dispatcher,
            generated_admin_key,
            shutdown: Arc::new(Notify::new()),
        })
    }

    pub fn router(&self) -> Router {
        router(self.state.clone())
    }

    /// Starts the outbox dispatcher and the once-a-minute sweep; both stop on `shutdown`.
    pub fn spawn_background(&self) {
        let signal = self.state.engine.outbox_signal.clone();
        tokio::spawn(self.dispatcher.clone().run(signal, self.shutdown.clone()));
        let engine = self.state.engine.clone();
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        if let Err(error) = sweep::sweep(&engine, engine.now()).await {
                            tracing::error!(%error, "sweep failed");
                        }
                    }
                    _ = shutdown.notified() => return,
                }
            }
        });
    }
}

/// Creates the platform admin key at the first start; `None` if one exists already.
async fn first_admin_key(engine: &Engine) -> Result<Option<String>, StartError> {
    if engine.store.api_key(FIRST_ADMIN_KEY_ID).await?.is_some() {
        return Ok(None);
    }
    let (secret, _) = generate_key();
    let key = ApiKey {
        id: FIRST_ADMIN_KEY_ID.into(),
        hash: hash_key(&secret),
        role: Role::PlatformAdmin,
        program: None,
        municipality: None,
        created_at: engine.now(),
    };
    engine.store.put_api_key(&key).await?;
    Ok(Some(secret))
}
