//! The HTTP API: one axum `Router`, the same locally (`vedtak serve`) and on Lambda.

mod clock;
mod commands;
mod documents;
pub mod dto;
mod enrollments;
mod envelope_dto;
mod envelopes;
pub mod error;
pub mod extract;
mod golive;
mod inbound;
pub mod openapi;
mod pages;
mod programs;
pub mod strict_json;
mod webhooks;

// Every JSON request body is public, so code outside a request (the fuzz targets) reads bodies
// through exactly the types and validation the handlers use.
pub use clock::ClockIn;
pub use documents::UploadIn;
pub use envelope_dto::{AgreementIn, SignerIn, VoidIn};
pub use inbound::InboundIn;
pub use webhooks::{RotateIn, SubscriptionIn};

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
    /// True behind API Gateway: the client address is then taken from `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// `--allow-private-webhooks`: subscriptions may name loopback and private addresses.
    pub allow_private_webhooks: bool,
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
        .route("/v1/programs/{pid}/golive-plan", get(golive::plan))
        .route("/v1/programs/{pid}/golive-plan.svg", get(golive::plan_svg))
        .merge(commands::routes())
        .route(
            "/v1/programs/{pid}/municipalities/{n}/agreement",
            post(envelopes::agreement),
        )
        .route("/v1/envelopes/{id}", get(envelopes::get))
        .route("/v1/envelopes/{id}/void", post(envelopes::void))
        .route("/v1/envelopes/{id}/certificate", get(envelopes::certificate))
        .route("/.well-known/vedtak-keys.json", get(envelopes::keys))
        .route("/v1/inbound/{pid}", post(inbound::receive))
        .route(
            "/v1/programs/{pid}/municipalities/{n}/inbound-secret",
            post(inbound::new_secret),
        )
        .route(
            "/v1/programs/{pid}/webhooks",
            post(webhooks::create).get(webhooks::list),
        )
        .route("/v1/programs/{pid}/webhooks/{id}", get(webhooks::get))
        .route("/v1/programs/{pid}/webhooks/{id}/rotate", post(webhooks::rotate))
        .route("/v1/programs/{pid}/webhooks/{id}/disable", post(webhooks::disable))
        .route("/v1/programs/{pid}/webhooks/{id}/enable", post(webhooks::enable))
        .route("/v1/programs/{pid}/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route(
            "/v1/programs/{pid}/webhooks/{id}/deliveries/{delivery_id}/retry",
            post(webhooks::retry),
        )
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
        .merge(pages::routes())
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
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                // The path only, with signing tokens masked: a link in a log is a link anyone can use.
                tracing::info_span!("request", method = %request.method(), path = %masked_path(request.uri().path()))
            }),
        )
        .with_state(state)
}

pub type Router = axum::Router;

/// The request path as logged: `/sign/{token}…` becomes `/sign/***…`.
pub fn masked_path(path: &str) -> String {
    match path.strip_prefix("/sign/") {
        Some(rest) => match rest.find('/') {
            Some(i) => format!("/sign/***{}", &rest[i..]),
            None => "/sign/***".to_owned(),
        },
        None => path.to_owned(),
    }
}

/// Serves `router` on `listener` until `shutdown` completes, finishing requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address is what a signature records as the signer's IP address.
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn signing_tokens_never_reach_the_request_log() {
        assert_eq!(super::masked_path("/sign/env_abc.SECRET"), "/sign/***");
        assert_eq!(super::masked_path("/sign/env_abc.SECRET/code"), "/sign/***/code");
        assert_eq!(
            super::masked_path("/sign/env_abc.SECRET/documents/ab12"),
            "/sign/***/documents/ab12"
        );
        assert_eq!(super::masked_path("/v1/envelopes/env_abc"), "/v1/envelopes/env_abc");
    }
}
