//! Fault injection: wrappers around every port that count their calls and fail exactly one of
//! them, the k-th of one port. A fault comes in two kinds: the call fails and has no effect
//! (`Before`), or the call takes effect and its answer is lost (`After`, as a network timeout
//! after DynamoDB committed or SES accepted the mail).

use async_trait::async_trait;
use axum::body::Bytes;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use vedtak::local::{Ports, WrapPorts};
use vedtak::ports::{DocumentError, DocumentMeta, Documents, Mail, MailError, Mailer, SendError};
use vedtak::ports::{WebhookRequest, WebhookSender};

pub mod lifecycle;
mod store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Port {
    Store,
    Documents,
    Mailer,
    Webhooks,
}

pub const PORTS: [Port; 4] = [Port::Store, Port::Documents, Port::Mailer, Port::Webhooks];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The call fails and changes nothing.
    Before,
    /// The call takes effect, then fails: the caller cannot know it succeeded.
    After,
}

/// Which call fails (none for a counting run), and how many calls each port has had.
#[derive(Debug, Default)]
pub struct Plan {
    target: Option<(Port, usize, When)>,
    calls: [AtomicUsize; 4],
    fired: AtomicBool,
    /// Calls count from `arm()` on, so the server's own start is not part of the run.
    armed: AtomicBool,
}

impl Plan {
    pub fn counting() -> Arc<Plan> {
        Arc::new(Plan::default())
    }

    pub fn failing(port: Port, k: usize, when: When) -> Arc<Plan> {
        Arc::new(Plan {
            target: Some((port, k, when)),
            ..Plan::default()
        })
    }

    pub fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    pub fn calls(&self, port: Port) -> usize {
        self.calls[port as usize].load(Ordering::SeqCst)
    }

    /// Whether the fault has happened (a plan whose k is past the run's calls never fires).
    pub fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }

    /// Wraps all four ports with this plan.
    pub fn wrapper(self: &Arc<Self>) -> WrapPorts {
        let plan = self.clone();
        Arc::new(move |ports: Ports| Ports {
            store: Arc::new(store::FaultyStore {
                inner: ports.store,
                plan: plan.clone(),
            }),
            documents: Arc::new(FaultyDocuments {
                inner: ports.documents,
                plan: plan.clone(),
            }),
            mailer: Arc::new(FaultyMailer {
                inner: ports.mailer,
                plan: plan.clone(),
            }),
            webhooks: Arc::new(FaultyWebhooks {
                inner: ports.webhooks,
                plan: plan.clone(),
            }),
        })
    }

    /// Runs one call of `port`, failing it with `fault()` if it is the planned one.
    async fn gate<T, E>(
        &self,
        port: Port,
        call: impl Future<Output = Result<T, E>>,
        fault: impl Fn() -> E,
    ) -> Result<T, E> {
        if !self.armed.load(Ordering::SeqCst) {
            return call.await;
        }
        let n = self.calls[port as usize].fetch_add(1, Ordering::SeqCst) + 1;
        let when = match self.target {
            Some((p, k, when)) if p == port && k == n => Some(when),
            _ => None,
        };
        if when == Some(When::Before) {
            self.fired.store(true, Ordering::SeqCst);
            return Err(fault());
        }
        let result = call.await;
        if when == Some(When::After) && result.is_ok() {
            self.fired.store(true, Ordering::SeqCst);
            return Err(fault());
        }
        result
    }
}

const INJECTED: &str = "injected fault";

struct FaultyDocuments {
    inner: Arc<dyn Documents>,
    plan: Arc<Plan>,
}

fn document_fault() -> DocumentError {
    DocumentError::Unavailable(INJECTED.into())
}

#[async_trait]
impl Documents for FaultyDocuments {
    async fn put(&self, bytes: Bytes, content_type: &str) -> Result<DocumentMeta, DocumentError> {
        let call = self.inner.put(bytes, content_type);
        self.plan.gate(Port::Documents, call, document_fault).await
    }
    async fn get(&self, sha256: &vedtak::domain::Sha256Hex) -> Result<Option<(DocumentMeta, Bytes)>, DocumentError> {
        let call = self.inner.get(sha256);
        self.plan.gate(Port::Documents, call, document_fault).await
    }
    async fn meta(&self, sha256: &vedtak::domain::Sha256Hex) -> Result<Option<DocumentMeta>, DocumentError> {
        let call = self.inner.meta(sha256);
        self.plan.gate(Port::Documents, call, document_fault).await
    }
}

struct FaultyMailer {
    inner: Arc<dyn Mailer>,
    plan: Arc<Plan>,
}

#[async_trait]
impl Mailer for FaultyMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let call = self.inner.send(mail);
        self.plan.gate(Port::Mailer, call, || MailError(INJECTED.into())).await
    }
}

struct FaultyWebhooks {
    inner: Arc<dyn WebhookSender>,
    plan: Arc<Plan>,
}

#[async_trait]
impl WebhookSender for FaultyWebhooks {
    async fn send(&self, request: &WebhookRequest) -> Result<u16, SendError> {
        let call = self.inner.send(request);
        self.plan
            .gate(Port::Webhooks, call, || SendError::NoAnswer(INJECTED.into()))
            .await
    }
}
