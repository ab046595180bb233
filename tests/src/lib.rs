//! The end-to-end harness: `spawn_app()` starts the real local assembly (embedded store, file
//! documents, .eml outbox) on a free loopback port with a fresh data directory, and the tests
//! talk to it over real HTTP.

pub mod browser;
pub mod dynamodb_local;
pub mod faults;
pub mod moto;

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;
use tokio::sync::Notify;
use vedtak::aws::{AwsBackend, AwsConfig, KeysSetting};
use vedtak::local::{Backend, Local, LocalConfig};

pub const ADMIN: &str = "test-platform-admin-token";
pub mod receiver;
pub mod signing;

pub const PROGRAM: &str = "helseplattformen";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub data: Arc<TempDir>,
    /// Set on the AWS backend: its table, bucket and clients (pointed at the emulators).
    pub aws: Option<AwsBackend>,
    /// The server's engine, for white-box steps a client cannot take (a test that needs a
    /// signing link that was never e-mailed reads the envelope and keys through it).
    pub engine: Arc<vedtak::service::Engine>,
    /// Performs the outbox on demand (with `hold_effects`, nothing else does).
    pub dispatcher: Arc<vedtak::dispatch::Dispatcher>,
    shutdown: Arc<Notify>,
    server: tokio::task::JoinHandle<()>,
}

/// Options for `spawn_with`.
#[derive(Default, Clone)]
pub struct Options {
    /// Start a settable clock at this RFC 3339 instant.
    pub clock_start: Option<&'static str>,
    /// Reuse a data directory (to test restarts).
    pub data: Option<Arc<TempDir>>,
    pub demo: bool,
    /// Run on the AWS backend against DynamoDB Local and moto, with a fresh table and bucket
    /// (or `aws_backend`'s, to share them between two servers).
    pub aws: bool,
    pub aws_backend: Option<AwsBackend>,
    /// Run as a deployment does: refuse webhook URLs on loopback and private networks.
    pub refuse_private_webhooks: bool,
    /// Start without the background dispatcher and sweep: commits stay in the outbox, as when
    /// a process dies right after committing.
    pub hold_effects: bool,
    /// Wraps the server's ports (fault injection).
    pub wrap_ports: Option<vedtak::local::WrapPorts>,
}

/// A time-travelling server at `clock_start` with the program (deadline 2021-10-31) and these
/// municipalities enrolled; returns the server and a program admin key.
pub async fn spawn_program(clock_start: &'static str, municipalities: &[(&str, &str)]) -> (TestApp, String) {
    spawn_program_on(false, clock_start, municipalities).await
}

/// `spawn_program`, on the AWS backend when `aws`.
pub async fn spawn_program_on(
    aws: bool,
    clock_start: &'static str,
    municipalities: &[(&str, &str)],
) -> (TestApp, String) {
    let app = spawn_with(Options {
        clock_start: Some(clock_start),
        aws,
        ..Default::default()
    })
    .await;
    let key = app.create_program("2021-10-31").await;
    for (number, name) in municipalities {
        app.enroll(&key, number, name).await;
    }
    (app, key)
}

pub async fn spawn_app() -> TestApp {
    spawn_with(Options::default()).await
}

pub async fn spawn_with(options: Options) -> TestApp {
    let data = options
        .data
        .unwrap_or_else(|| Arc::new(tempfile::tempdir().expect("temp dir")));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let time_travel = options
        .clock_start
        .map(|t| chrono::DateTime::parse_from_rfc3339(t).expect("clock start").to_utc());
    let aws = match (options.aws_backend, options.aws) {
        (Some(backend), _) => Some(backend),
        (None, true) => Some(fresh_aws_backend(&address).await),
        (None, false) => None,
    };
    let backend = match &aws {
        Some(aws) => Backend::AwsWith(Box::new(aws.clone())),
        None => Backend::Embedded {
            data_dir: data.path().to_path_buf(),
            mail_from: "vedtak <noreply@vedtak.invalid>".into(),
        },
    };
    let local = Local::open(LocalConfig {
        backend,
        base_url: address.clone(),
        admin_token: Some(ADMIN.into()),
        time_travel,
        demo: options.demo,
        // Test receivers listen on loopback; the refusal of such URLs is tested on its own.
        allow_private_webhooks: !options.refuse_private_webhooks,
        wrap_ports: options.wrap_ports,
    })
    .await
    .expect("local server starts");
    if !options.hold_effects {
        local.spawn_background();
    }
    let shutdown = local.shutdown.clone();
    let engine = local.state.engine.clone();
    let dispatcher = local.dispatcher.clone();
    let router = local.router();
    let stop = shutdown.clone();
    let server = tokio::spawn(async move {
        axum_serve(listener, router, stop).await;
    });
    TestApp {
        address,
        client: reqwest::Client::new(),
        data,
        aws,
        engine,
        dispatcher,
        shutdown,
        server,
    }
}

/// A fresh table in DynamoDB Local and a fresh bucket in moto, made as `vedtak aws-init` makes
/// them. The sender's display name carries the table name, so a test finds its own e-mails
/// among everything moto has accepted.
pub async fn fresh_aws_backend(base_url: &str) -> AwsBackend {
    let (dynamodb, table) = dynamodb_local::fresh_table().await;
    let (s3, bucket) = moto::fresh_bucket().await;
    let sesv2 = moto::sesv2().await;
    let mail_from = moto::MAIL_FROM.replacen("vedtak", &format!("vedtak {table}"), 1);
    let config = AwsConfig {
        table,
        bucket,
        base_url: base_url.into(),
        mail_from,
        keys: KeysSetting::Json(vedtak::signing::keys::Keys::generate("test-aws").1),
        webhook_dlq_url: None,
    };
    AwsBackend::from_clients(config, dynamodb, s3, sesv2, None, None, moto::REGION.into())
}

async fn axum_serve(listener: tokio::net::TcpListener, router: vedtak::http::Router, stop: Arc<Notify>) {
    vedtak::http::serve(listener, router, async move { stop.notified().await })
        .await
        .expect("server runs");
}

impl TestApp {
    /// Stops the server and waits until it has let go of the data directory.
    pub async fn stop(self) -> Arc<TempDir> {
        self.shutdown.notify_waiters();
        let _ = self.server.await;
        // Background tasks hold the store; give them a moment to see the shutdown.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        self.data
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data.path().join("outbox")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post(&self, key: &str, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// A public resource (no key), read as JSON of type `T`.
    pub async fn public_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.client.get(self.url(path)).send().await.expect("request");
        response.json().await.expect("a JSON answer")
    }

    pub async fn get(&self, key: &str, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(key)
            .send()
            .await
            .expect("request")
    }

    /// Creates the program with the given deadline date; returns a program admin key.
    pub async fn create_program(&self, deadline: &str) -> String {
        let r = self.post(ADMIN, "/v1/programs", program_body(PROGRAM, deadline)).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
        self.new_key(ADMIN, json!({"role": "program_admin"})).await
    }

    pub async fn new_key(&self, by: &str, body: Value) -> String {
        let r = self.post(by, &format!("/v1/programs/{PROGRAM}/keys"), body).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
        r.json::<Value>().await.unwrap()["key"].as_str().unwrap().to_owned()
    }

    pub async fn enroll(&self, key: &str, number: &str, name: &str) -> Value {
        let r = self
            .post(
                key,
                &format!("/v1/programs/{PROGRAM}/municipalities"),
                municipality_body(number, name),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
        r.json().await.unwrap()
    }

    /// Runs a command and returns the raw response.
    pub async fn command(&self, key: &str, number: &str, command: &str, body: Value) -> Response {
        self.post(
            key,
            &format!("/v1/programs/{PROGRAM}/municipalities/{number}/{command}"),
            body,
        )
        .await
    }

    /// Runs a command that must succeed; returns the enrollment.
    pub async fn ok(&self, key: &str, number: &str, command: &str, body: Value) -> Value {
        let r = self.command(key, number, command, body).await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{command} on {number}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    pub async fn events(&self, key: &str, number: &str) -> Vec<Value> {
        let r = self
            .get(key, &format!("/v1/programs/{PROGRAM}/municipalities/{number}/events"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone()
    }

    /// Moves the server's clock (needs `clock_start`).
    pub async fn set_clock(&self, now: &str) -> Response {
        self.client
            .put(self.url("/v1/clock"))
            .bearer_auth(ADMIN)
            .json(&json!({ "now": now }))
            .send()
            .await
            .unwrap()
    }

    /// The e-mails sent (.eml files locally, what moto's SES accepted on AWS), waiting up to
    /// two seconds for `at_least` of them.
    pub async fn outbox(&self, at_least: usize) -> Vec<String> {
        for _ in 0..40 {
            let mails = self.sent().await;
            if mails.len() >= at_least {
                return mails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.sent().await
    }

    async fn sent(&self) -> Vec<String> {
        match &self.aws {
            None => read_eml(&self.outbox_dir()),
            Some(aws) => {
                let marker = format!("vedtak {}", aws.config.table);
                let sent = moto::sent_emails().await.into_iter().map(|m| m.raw);
                sent.filter(|raw| raw.contains(&marker)).collect()
            }
        }
    }
}

fn read_eml(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// Asserts a problem+json answer of this status and problem type; returns its body.
pub async fn expect_problem(r: Response, status: u16, kind: &str) -> Value {
    assert_eq!(r.status().as_u16(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert_eq!(body["type"], format!("urn:vedtak:problem:{kind}"), "{body}");
    assert!(body["title"].is_string() && body["detail"].is_string());
    body
}

pub fn program_body(id: &str, deadline: &str) -> Value {
    json!({
        "id": id,
        "name": "Helseplattformen",
        "counterparty": {"name": "Helseplattformen AS", "org_number": "998877601"},
        "option_deadline": deadline,
        "counterparty_signer": {"name": "Torbjørg Vanvik", "email": "ceo@helseplattformen.example", "title": "Administrerende direktør"}
    })
}

pub fn municipality_body(number: &str, name: &str) -> Value {
    json!({
        "number": number,
        "name": name,
        "contact": {"name": format!("Kontakt {name}"), "email": format!("post@{number}.kommune.example")},
        "director": {"name": format!("Direktør {name}"), "email": format!("direktor@{number}.kommune.example"), "title": "Kommunedirektør"}
    })
}

/// A lawful, adopted vote dated `date`.
pub fn adopted_vote(date: &str) -> Value {
    json!({"body": "kommunestyre", "date": date, "case_number": "2021/1234", "members": 27, "present": 25, "votes_for": 25, "votes_against": 0})
}

pub fn meeting(date: &str) -> Value {
    json!({"body": "kommunestyre", "date": date, "case_number": "2021/1234"})
}

/// Today's date in Oslo (for decisions dated today against the real clock).
pub fn today() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
        .to_string()
}

/// Runs each scenario twice: `embedded::name` on the embedded store and `aws::name` on the AWS
/// backend against DynamoDB Local and moto. A scenario is `async fn name(aws: bool)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($(#[$meta:meta])* async fn $name:ident($aws:ident: bool) $body:block)*) => {
        mod embedded {
            $(#[tokio::test] async fn $name() { super::$name(false).await })*
        }
        mod aws {
            $(#[tokio::test] async fn $name() { super::$name(true).await })*
        }
        $($(#[$meta])* async fn $name($aws: bool) $body)*
    };
}
