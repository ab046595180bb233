//! One error type for every handler; every refusal leaves as `application/problem+json`.

use crate::ports::{DocumentError, StoreError};
use crate::problem::Problem;
use crate::service::ServiceError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub struct AppError(pub Problem);

impl AppError {
    pub fn new(status: u16, slug: &str, detail: impl Into<String>) -> Self {
        AppError(Problem::new(status, slug, detail))
    }
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(400, "malformed-request", detail)
    }
    pub fn invalid(field: &str, reason: impl std::fmt::Display) -> Self {
        Self::new(422, "invalid-value", format!("{field}: {reason}"))
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, "not-found", detail)
    }
    pub fn forbidden() -> Self {
        Self::new(403, "forbidden", "this key is not allowed to do this here")
    }
}

/// Writes a problem (or a replayed body) with its status and media type.
pub fn problem_response(status: u16, body: String) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let media = if status >= 400 {
        "application/problem+json"
    } else {
        "application/json"
    };
    (code, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], body).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = problem_response(self.0.status, self.0.to_json());
        if self.0.status == 401 {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        if let ServiceError::Store(StoreError::Unavailable(msg)) = &e {
            tracing::error!(error = %msg, "store unavailable");
        }
        AppError(e.problem())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        ServiceError::Store(e).into()
    }
}

impl From<DocumentError> for AppError {
    fn from(e: DocumentError) -> Self {
        tracing::error!(error = %e, "document store failed");
        AppError::new(
            503,
            "documents-unavailable",
            "the document store is unavailable; try again",
        )
    }
}
