//! Pages people use in a browser: the signing page behind an e-mailed link and the printable
//! certificate. Server-rendered, no scripts, no external assets.

mod certificate;
pub mod layout;
mod program;
mod request;
mod sign;
mod sign_view;

use super::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

/// Forms carry a checkbox, a six-digit code or a short reason: a few KiB is plenty.
const FORM_LIMIT: usize = 8 * 1024;

/// No scripts at all, our own stylesheet only, forms only to ourselves, never in a frame.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

pub fn routes() -> Router<AppState> {
    let sign = Router::new()
        .route("/sign/{token}", get(sign::show).post(sign::sign))
        .route("/sign/{token}/code", axum::routing::post(sign::request_code))
        .route("/sign/{token}/decline", axum::routing::post(sign::decline))
        .route("/sign/{token}/documents/{sha256}", get(sign::document))
        // A token in a URL must not travel on in a Referer header, nor stay in a cache.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .merge(sign)
        .route("/certificates/{id}", get(certificate::show))
        .route("/programs/{pid}", get(program::show))
        .route(layout::STYLESHEET_PATH, get(layout::stylesheet))
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Public pages too: where a reader came from is none of the next site's business.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // A picture with its own policy (inline styles inside the SVG, nothing else).
        .route("/programs/{pid}/timeline.svg", get(program::timeline))
}
