//! A webhook receiver on 127.0.0.1 for tests: it records every request and answers with the
//! statuses it was told to, in turn (then 200).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: i64,
    pub signature: String,
    pub body: String,
    /// The status the receiver answered.
    pub answered: u16,
}

#[derive(Default)]
struct Inner {
    script: VecDeque<u16>,
    received: Vec<Received>,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl Receiver {
    /// Starts a receiver that answers `script` to the first requests, then 200.
    pub async fn start(script: &[u16]) -> Receiver {
        let inner = Arc::new(Mutex::new(Inner {
            script: script.iter().copied().collect(),
            received: vec![],
        }));
        let app = Router::new().route("/hook", post(receive)).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, inner }
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    /// Waits up to three seconds for at least `n` requests.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..60 {
            if self.received().len() >= n {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.received()
    }
}

async fn receive(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let mut inner = inner.lock().unwrap();
    let answered = inner.script.pop_front().unwrap_or(200);
    inner.received.push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp").parse().unwrap_or(0),
        signature: header("webhook-signature"),
        body,
        answered,
    });
    StatusCode::from_u16(answered).unwrap()
}
