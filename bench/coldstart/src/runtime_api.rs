//! A stand-in for the Lambda Runtime API on 127.0.0.1: it hands out one event through
//! `GET /2018-06-01/runtime/invocation/next`, with the headers Lambda sends, and notes when the
//! function's `POST …/{id}/response` (or `…/error`) arrives. A second `next` is never answered:
//! the measurement ends with the first answer, and the spawner then stops the process.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::oneshot;

/// How the one invocation went, by the clock of this process.
#[derive(Debug)]
pub struct Outcome {
    /// When the function took the event (its first `next`); None if it failed before that.
    pub delivered_at: Option<Instant>,
    /// When its response (or error) was received in full.
    pub answered_at: Instant,
    /// False for `/error` and `/init/error`.
    pub ok: bool,
    pub body: String,
}

/// The invocation waiting to be taken or answered.
struct Invocation {
    request_id: String,
    function_arn: String,
    event: Value,
    delivered_at: Option<Instant>,
    reply: Option<oneshot::Sender<Outcome>>,
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Option<Invocation>>>);

impl Shared {
    /// Hands the outcome to whoever waits for it; a late or unknown id is ignored.
    fn finish(&self, request_id: Option<&str>, ok: bool, body: String) {
        let answered_at = Instant::now();
        let mut slot = self.0.lock().expect("runtime state");
        let Some(invocation) = slot.as_mut() else { return };
        if request_id.is_some_and(|id| id != invocation.request_id) {
            return;
        }
        if let Some(reply) = invocation.reply.take() {
            let delivered_at = invocation.delivered_at;
            let _ = reply.send(Outcome {
                delivered_at,
                answered_at,
                ok,
                body,
            });
        }
    }
}

pub struct RuntimeApi {
    addr: SocketAddr,
    shared: Shared,
    invocations: u64,
}

impl RuntimeApi {
    pub async fn start() -> std::io::Result<RuntimeApi> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Shared::default();
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(RuntimeApi {
            addr,
            shared,
            invocations: 0,
        })
    }

    /// `AWS_LAMBDA_RUNTIME_API`: host and port, without a scheme, as Lambda gives it.
    pub fn address(&self) -> String {
        self.addr.to_string()
    }

    /// Queues `event` as the next invocation; the receiver gets its outcome.
    pub fn invoke(&mut self, function_arn: &str, event: Value) -> oneshot::Receiver<Outcome> {
        self.invocations += 1;
        let (reply, outcome) = oneshot::channel();
        *self.shared.0.lock().expect("runtime state") = Some(Invocation {
            request_id: format!("00000000-0000-4000-8000-{:012x}", self.invocations),
            function_arn: function_arn.to_owned(),
            event,
            delivered_at: None,
            reply: Some(reply),
        });
        outcome
    }
}

async fn next(State(shared): State<Shared>) -> Response {
    let taken = {
        let mut slot = shared.0.lock().expect("runtime state");
        match slot.as_mut() {
            Some(invocation) if invocation.delivered_at.is_none() => {
                invocation.delivered_at = Some(Instant::now());
                Some((
                    invocation.request_id.clone(),
                    invocation.function_arn.clone(),
                    invocation.event.to_string(),
                ))
            }
            _ => None,
        }
    };
    let Some((request_id, function_arn, body)) = taken else {
        // Only one event per process: the function waits here until it is stopped.
        return std::future::pending().await;
    };
    let deadline_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
        + 15_000;
    let serial = &request_id[request_id.len() - 12..];
    let trace = format!("Root=1-00000000-000000000000{serial};Parent=0000000000000001;Sampled=0");
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        headers.insert(name, HeaderValue::from_str(&value).expect("ASCII header"));
    };
    set("lambda-runtime-aws-request-id", request_id);
    set("lambda-runtime-deadline-ms", deadline_ms.to_string());
    set("lambda-runtime-invoked-function-arn", function_arn);
    set("lambda-runtime-trace-id", trace);
    set("content-type", "application/json".into());
    (StatusCode::OK, headers, body).into_response()
}

async fn response(State(shared): State<Shared>, Path(id): Path<String>, body: String) -> StatusCode {
    shared.finish(Some(&id), true, body);
    StatusCode::ACCEPTED
}

async fn error(State(shared): State<Shared>, Path(id): Path<String>, body: String) -> StatusCode {
    shared.finish(Some(&id), false, body);
    StatusCode::ACCEPTED
}

async fn init_error(State(shared): State<Shared>, body: String) -> StatusCode {
    shared.finish(None, false, body);
    StatusCode::ACCEPTED
}
