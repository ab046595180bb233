//! The HTTP API: one axum `Router`, the same locally (`vedtak serve`) and on Lambda.

mod clock;
mod commands;
mod documents;
pub mod dto;
mod enrollments;
pub mod error;
pub mod extract;
pub mod openapi;
mod programs;

use crate::clock::TravelClock;
use crate::dispatch::Dispatcher;
use crate::ports::Documents;
use crate::service::Engine;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use error::AppError;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// JSON commands are small; anything bigger is a mistake or an attack.
pub const JSON_LIMIT: usize = 64 * 1024;
/// Documents (agreements, protocols) are PDFs of a few MiB; the contract promises at least 5.
pub const DOCUMENT_LIMIT: usize = 25 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<Engine>,
    pub documents: Arc<dyn Documents>,
    /// Present only with `--allow-time-travel`; `/v1/clock` answers 404 without it.
    pub travel: Option<Arc<TravelClock>>,
    /// SHA-256 of `VEDTAK_ADMIN_TOKEN`, when set.
    pub admin_token_hash: Option<String>,
    /// Present where effects are performed in-process, so moving the clock can run them.
    pub dispatcher: Option<Arc<Dispatcher>>,
    pub base_url: String,
}

pub fn router(state: AppState) -> Router {
    let json_api = axum::Router::new()
        .route("/v1/programs", post(programs::create))
        .route("/v1/programs/{pid}", get(programs::get))
        .route("/v1/programs/{pid}/keys", post(programs::create_key))
        .route(
            "/v1/programs/{pid}/municipalities",
            post(enrollments::create).get(enrollments::list),
        )
        .route("/v1/programs/{pid}/municipalities/{n}", get(enrollments::get))
        .route("/v1/programs/{pid}/municipalities/{n}/events", get(enrollments::events))
        .merge(commands::routes())
        .route("/v1/documents/uploads", post(documents::presign))
        .route("/v1/clock", get(clock::get).put(clock::put))
        .route("/v1/openapi.json", get(openapi::serve))
        .layer(DefaultBodyLimit::max(JSON_LIMIT));
    let documents = axum::Router::new()
        .route("/v1/documents", post(documents::upload))
        .route("/v1/documents/{sha256}", get(documents::download))
        .layer(DefaultBodyLimit::max(DOCUMENT_LIMIT));
    json_api
        .merge(documents)
        .route("/healthz", get(|| async { "ok" }))
        .fallback(|| async { AppError::not_found("no such resource") })
        .method_not_allowed_fallback(|| async {
            AppError::new(405, "method-not-allowed", "this resource does not accept that method")
        })
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

pub type Router = axum::Router;

/// Serves `router` on `listener` until `shutdown` completes, finishing requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await
}
