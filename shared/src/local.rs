//! Local mode: the whole product in one process, on the embedded store or (for work against
//! emulators) on the AWS backend. `vedtak serve` and the end-to-end tests assemble it through this
//! one function, so the tests run what users run.

use crate::adapters::http_webhooks::HttpWebhookSender;
use crate::adapters::{embedded::EmbeddedStore, eml::EmlMailer, files::FileDocuments};
use crate::auth::{generate_key, hash_key, ApiKey, Role};
#[cfg(feature = "aws")]
use crate::aws::{AwsBackend, AwsConfig};
use crate::clock::{SystemClock, TravelClock};
use crate::dispatch::Dispatcher;
use crate::http::{router, AppState};
use crate::ports::{Clock, Documents, Mailer, Store, StoreError, WebhookSender};
use crate::service::{Engine, SigningPorts};
use crate::signing::keys::{KeySource, Keys, StaticKeys};
use crate::sweep;
use crate::webhooks::deliver::Deliverer;
use axum::Router;
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Notify;

/// The stored id of the platform admin key that `vedtak serve` creates at first start.
pub const FIRST_ADMIN_KEY_ID: &str = "platform";
/// The signing keys of an embedded data directory (owner-only; back it up with the data).
pub const KEYS_FILE: &str = "keys.json";

/// Where state, documents and e-mail go.
#[derive(Clone)]
pub enum Backend {
    /// redb in `data_dir/vedtak.redb`, documents in `data_dir/documents`, e-mails as `.eml`
    /// files in `data_dir/outbox`.
    Embedded { data_dir: PathBuf, mail_from: String },
    /// DynamoDB, S3 and SES (or their local stand-ins) from the environment.
    #[cfg(feature = "aws")]
    Aws(AwsConfig),
    /// The same, with clients already built.
    #[cfg(feature = "aws")]
    AwsWith(Box<AwsBackend>),
}

pub struct LocalConfig {
    pub backend: Backend,
    pub base_url: String,
    /// `VEDTAK_ADMIN_TOKEN`: a platform admin key that is never stored.
    pub admin_token: Option<String>,
    /// `Some(start)` with `--allow-time-travel`.
    pub time_travel: Option<DateTime<Utc>>,
    /// Load the demo program (`--demo`).
    pub demo: bool,
    /// Deliver webhooks to loopback and private addresses (`--allow-private-webhooks`).
    pub allow_private_webhooks: bool,
    /// Wraps the ports before anything uses them: fault injection in tests, call counting in
    /// benchmarks. `None` in `vedtak serve`.
    pub wrap_ports: Option<WrapPorts>,
}

/// The ports the engine and the dispatcher talk to, as one value that a wrapper can replace.
pub struct Ports {
    pub store: Arc<dyn Store>,
    pub documents: Arc<dyn Documents>,
    pub mailer: Arc<dyn Mailer>,
    pub webhooks: Arc<dyn WebhookSender>,
}

pub type WrapPorts = Arc<dyn Fn(Ports) -> Ports + Send + Sync>;

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
    #[error("signing keys: {0}")]
    Keys(#[from] crate::signing::seal::KeyError),
}

impl Local {
    pub async fn open(config: LocalConfig) -> Result<Local, StartError> {
        let (store, documents, mailer, keys) = adapters(&config.backend).await?;
        let ports = Ports {
            store,
            documents,
            mailer,
            webhooks: Arc::new(HttpWebhookSender {
                allow_private: config.allow_private_webhooks,
            }),
        };
        let Ports {
            store,
            documents,
            mailer,
            webhooks,
        } = match &config.wrap_ports {
            Some(wrap) => wrap(ports),
            None => ports,
        };
        let travel = config
            .time_travel
            .map(|start| Arc::new(TravelClock::starting_at(start)));
        let clock: Arc<dyn Clock> = match &travel {
            Some(t) => t.clone(),
            None => Arc::new(SystemClock),
        };
        let signing = SigningPorts {
            keys: keys.clone(),
            documents: documents.clone(),
        };
        let engine = Arc::new(Engine::new(store.clone(), clock.clone()).with_signing(signing));
        let dispatcher = Arc::new(Dispatcher {
            store: store.clone(),
            mailer,
            clock: clock.clone(),
            base_url: config.base_url.clone(),
            keys: Some(keys),
            webhooks: Some(Arc::new(Deliverer {
                store: store.clone(),
                sender: webhooks,
                clock: clock.clone(),
                // Here the deliveries list is the record of what failed.
                dead_letters: None,
                passes: Default::default(),
            })),
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
            behind_proxy: false,
            allow_private_webhooks: config.allow_private_webhooks,
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
            let stop = shutdown.notified();
            tokio::pin!(stop);
            stop.as_mut().enable();
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        if let Err(error) = sweep::sweep(&engine, engine.now()).await {
                            tracing::error!(%error, "sweep failed");
                        }
                    }
                    _ = &mut stop => return,
                }
            }
        });
    }
}

type Adapters = (Arc<dyn Store>, Arc<dyn Documents>, Arc<dyn Mailer>, Arc<dyn KeySource>);

async fn adapters(backend: &Backend) -> Result<Adapters, StartError> {
    Ok(match backend {
        Backend::Embedded { data_dir, mail_from } => {
            std::fs::create_dir_all(data_dir).map_err(|e| StartError::DataDir(data_dir.clone(), e))?;
            // The first start creates the keys; the sealing key's id names the day it was made.
            let key_id = format!("local-{}", Utc::now().format("%Y%m%d"));
            let keys = Keys::load_or_create(&data_dir.join(KEYS_FILE), &key_id)?;
            (
                Arc::new(EmbeddedStore::open(data_dir)?),
                Arc::new(FileDocuments::new(data_dir.join("documents"))),
                Arc::new(EmlMailer::new(data_dir.join("outbox"), mail_from.clone())),
                Arc::new(StaticKeys(Arc::new(keys))),
            )
        }
        #[cfg(feature = "aws")]
        Backend::Aws(config) => {
            let aws = AwsBackend::connect(config.clone()).await;
            (aws.store, aws.documents, aws.mailer, aws.keys)
        }
        #[cfg(feature = "aws")]
        Backend::AwsWith(aws) => (
            aws.store.clone(),
            aws.documents.clone(),
            aws.mailer.clone(),
            aws.keys.clone(),
        ),
    })
}

/// Creates the platform admin key at the first start; `None` if one exists already.
pub async fn first_admin_key(engine: &Engine) -> Result<Option<String>, StartError> {
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
