//! Extractors whose rejections look like every other error (problem+json), and the headers a
//! command may carry.

use super::error::AppError;
use super::AppState;
use crate::auth::{hash_key, Principal, Role};
use crate::canonical;
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A JSON body: malformed JSON or wrong types are 400, too large is 413. An empty body reads
/// as `{}` so that commands without fields (`notice`, `exercise`) need none.
pub struct ApiJson<T> {
    pub value: T,
    /// SHA-256 over the canonical form of the body: the same JSON, however it is spaced.
    pub fingerprint: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            let status = rejection.status().as_u16();
            if status == 413 {
                AppError::new(
                    413,
                    "body-too-large",
                    "the request body is larger than this endpoint accepts",
                )
            } else {
                AppError::bad_request(rejection.body_text())
            }
        })?;
        if json_type == Some(false) && !bytes.is_empty() {
            return Err(AppError::new(
                415,
                "unsupported-media-type",
                "send the body as application/json",
            ));
        }
        Self::from_bytes(&bytes)
    }
}

impl<T: DeserializeOwned> ApiJson<T> {
    /// The body once it has arrived: the part of reading a request that depends only on its
    /// bytes, so it can be exercised on its own (the fuzz targets feed it arbitrary bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AppError> {
        let value: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Default::default())
        } else {
            super::strict_json::parse(bytes).map_err(|e| AppError::bad_request(format!("malformed JSON: {e}")))?
        };
        let fingerprint = canonical::sha256_hex(&value);
        let value =
            serde_json::from_value(value).map_err(|e| AppError::bad_request(format!("invalid request body: {e}")))?;
        Ok(ApiJson { value, fingerprint })
    }
}

/// The caller, from `Authorization: Bearer <key>`. No key or an unknown key is 401.
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller
where
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let state = AppState::from_ref(state);
        let unauthorized = || {
            AppError::new(
                401,
                "unauthorized",
                "send a valid API key as 'Authorization: Bearer <key>'",
            )
        };
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(unauthorized)?;
        let hash = hash_key(secret);
        if state.admin_token_hash.as_deref() == Some(hash.as_str()) {
            return Ok(Caller(Principal {
                key_id: "env".into(),
                role: Role::PlatformAdmin,
                program: None,
                municipality: None,
            }));
        }
        let key = state
            .engine
            .store
            .api_key_by_hash(&hash)
            .await?
            .ok_or_else(unauthorized)?;
        Ok(Caller(Principal::from_key(&key)))
    }
}

/// `If-Match` and `Idempotency-Key` of a command.
pub struct CommandHeaders {
    pub if_match: Option<u64>,
    pub idempotency_key: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for CommandHeaders {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(CommandHeaders {
            if_match: if_match(&parts.headers)?,
            idempotency_key: idempotency_key(&parts.headers)?,
        })
    }
}

/// `"7"`, `W/"7"` or `7` name version 7; `*` names any version.
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, AppError> {
    let Some(raw) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = raw
        .to_str()
        .map_err(|_| AppError::bad_request("If-Match is not readable text"))?
        .trim();
    if text == "*" {
        return Ok(None);
    }
    let bare = text.trim_start_matches("W/").trim_matches('"');
    bare.parse::<u64>()
        .map(Some)
        .map_err(|_| AppError::bad_request("If-Match holds the enrollment's version, e.g. \"3\""))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(raw) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = raw
        .to_str()
        .map_err(|_| AppError::bad_request("Idempotency-Key is not readable text"))?
        .trim();
    let ok = (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if !ok {
        return Err(AppError::bad_request(
            "Idempotency-Key is 1-255 visible ASCII characters",
        ));
    }
    Ok(Some(key.to_owned()))
}
