//! Every AWS endpoint of the measured functions points here (`AWS_ENDPOINT_URL` and the
//! per-service variables), so a network call is seen, counted and timed instead of leaving the
//! machine. Whatever is asked, the answer is an empty DynamoDB result: that is all the
//! scheduler's first sweep needs, and nothing else should call here before its first event.

use axum::http::{HeaderMap, StatusCode};
use axum::serve::{Listener, ListenerExt};
use axum::Router;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// What reached the fake since the last reset.
#[derive(Default)]
struct Seen {
    connections: Vec<Instant>,
    /// When, and the `X-Amz-Target` (DynamoDB's operation) or path of each request.
    requests: Vec<(Instant, String)>,
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Seen>>);

impl Log {
    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.0.lock().expect("fake AWS log")
    }
}

pub struct FakeAws {
    addr: SocketAddr,
    log: Log,
}

/// A Query, Scan or GetItem that finds nothing, in the JSON every DynamoDB operation speaks.
const EMPTY_RESULT: &str = r#"{"Count":0,"Items":[],"ScannedCount":0}"#;

impl FakeAws {
    pub async fn start() -> std::io::Result<FakeAws> {
        let log = Log::default();
        let counted = log.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await?
            .tap_io(move |_| counted.seen().connections.push(Instant::now()));
        let addr = listener.local_addr()?;
        let logged = log.clone();
        let app = Router::new().fallback(move |uri: axum::http::Uri, headers: HeaderMap| {
            let log = logged.clone();
            async move {
                let operation = headers
                    .get("x-amz-target")
                    .and_then(|v| v.to_str().ok())
                    .map_or_else(|| uri.path().to_owned(), str::to_owned);
                log.seen().requests.push((Instant::now(), operation));
                (
                    StatusCode::OK,
                    [
                        ("content-type", "application/x-amz-json-1.0"),
                        ("x-amzn-requestid", "00000000-0000-4000-8000-000000000000"),
                    ],
                    EMPTY_RESULT,
                )
            }
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(FakeAws { addr, log })
    }

    /// The endpoint URL for `AWS_ENDPOINT_URL*`: plain HTTP, since it never leaves loopback.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Forgets what was seen, before the next spawn.
    pub fn reset(&self) {
        *self.log.seen() = Seen::default();
    }

    /// Connections opened before `instant` (the delivery of the first event).
    pub fn connections_before(&self, instant: Instant) -> usize {
        self.log.seen().connections.iter().filter(|t| **t < instant).count()
    }

    pub fn connections(&self) -> usize {
        self.log.seen().connections.len()
    }

    /// The operations asked for, in order.
    pub fn operations(&self) -> Vec<String> {
        self.log.seen().requests.iter().map(|(_, op)| op.clone()).collect()
    }

    /// When the first connection was opened, if any was.
    pub fn first_connection(&self) -> Option<Instant> {
        self.log.seen().connections.first().copied()
    }
}
