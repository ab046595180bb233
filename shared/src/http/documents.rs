//! Documents, content-addressed: the SHA-256 of the bytes is their name.

use super::error::AppError;
use super::extract::Caller;
use super::AppState;
use crate::auth::Principal;
use crate::domain::Sha256Hex;
use crate::ports::{DocumentGrant, DocumentMeta};
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The raw body, with a too-large body answered 413 as problem+json.
pub struct RawBody(Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|r| match r.status().as_u16() {
                413 => AppError::new(
                    413,
                    "body-too-large",
                    format!("a document is at most {} MiB", super::DOCUMENT_LIMIT / (1024 * 1024)),
                ),
                _ => AppError::bad_request(r.body_text()),
            })
    }
}

/// A media type such as `application/pdf`: printable ASCII with a `/`, bounded.
fn media_type(text: &str) -> Option<String> {
    let ct = text.trim();
    let ok = (3..=127).contains(&ct.len()) && ct.contains('/') && ct.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    ok.then(|| ct.to_owned())
}

fn content_type(headers: &HeaderMap) -> Result<String, AppError> {
    let Some(raw) = headers.get(header::CONTENT_TYPE) else {
        return Ok("application/octet-stream".into());
    };
    let text = raw
        .to_str()
        .map_err(|_| AppError::bad_request("Content-Type is not readable text"))?;
    media_type(text).ok_or_else(|| AppError::bad_request("Content-Type is a media type such as application/pdf"))
}

/// Upload a document (raw body). The same bytes twice are one document.
#[utoipa::path(post, path = "/v1/documents", tag = "documents", request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 201, body = DocumentMeta), (status = 413, body = crate::problem::Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    RawBody(bytes): RawBody,
) -> Result<impl IntoResponse, AppError> {
    let content_type = content_type(&headers)?;
    if bytes.is_empty() {
        return Err(AppError::invalid("body", "a document has at least one byte"));
    }
    let meta = state.documents.put(bytes, &content_type).await?;
    grant(&state, &caller, &meta.sha256).await?;
    let location = format!("/v1/documents/{}", meta.sha256);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(meta)))
}

/// Lets the caller's program read the document from now on (a platform admin reads them all).
async fn grant(state: &AppState, caller: &Principal, sha256: &Sha256Hex) -> Result<(), AppError> {
    if let Some(program) = &caller.program {
        let grant = DocumentGrant {
            sha256: sha256.clone(),
            program: program.clone(),
            granted_at: state.engine.now(),
        };
        state.engine.store.put_document_grant(&grant).await?;
    }
    Ok(())
}

/// Whether the caller may read the document: a platform admin always, anyone else if one of
/// their program's keys uploaded it. Knowing the hash is not enough (certificates show it).
async fn may_read(state: &AppState, caller: &Principal, sha256: &Sha256Hex) -> Result<bool, AppError> {
    if caller.is_platform_admin() {
        return Ok(true);
    }
    let Some(program) = &caller.program else {
        return Ok(false);
    };
    Ok(state.engine.store.document_grant(sha256, program).await?.is_some())
}

/// Download a document's bytes (one that the caller's program uploaded).
#[utoipa::path(get, path = "/v1/documents/{sha256}", tag = "documents", params(("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = crate::problem::Problem)))]
pub async fn download(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(sha): Path<String>,
) -> Result<Response, AppError> {
    let not_found = || AppError::not_found(format!("document {sha} not found"));
    let key = Sha256Hex::parse(&sha).map_err(|_| not_found())?;
    // Another program's document answers as a missing one: its existence is not ours to tell.
    if !may_read(&state, &caller, &key).await? {
        return Err(not_found());
    }
    let (meta, bytes) = state.documents.get(&key).await?.ok_or_else(not_found)?;
    let headers = [
        (header::CONTENT_TYPE, meta.content_type.clone()),
        (header::ETAG, format!("\"{}\"", meta.sha256)),
        // A stored HTML or SVG file must never run as our page.
        (
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'".to_owned(),
        ),
        (header::CACHE_CONTROL, "private, max-age=31536000, immutable".to_owned()),
    ];
    Ok((headers, bytes).into_response())
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadIn {
    /// SHA-256 of the bytes to be uploaded; the upload is refused for any other bytes.
    pub sha256: String,
    pub size: u64,
    pub content_type: String,
}

/// How long a presigned upload URL stays valid.
const UPLOAD_URL_LIFETIME: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// S3 takes at most 5 GiB in one PUT.
const MAX_DIRECT_UPLOAD: u64 = 5 * 1024 * 1024 * 1024;

/// A presigned PUT for uploading a large document straight to storage (AWS only), bound to
/// its SHA-256 so that no other bytes can be stored under that name.
#[utoipa::path(post, path = "/v1/documents/uploads", tag = "documents", request_body = UploadIn,
    responses((status = 201, body = crate::ports::PresignedUpload), (status = 404, description = "local mode: upload with POST /v1/documents", body = crate::problem::Problem)))]
pub async fn presign(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: super::extract::ApiJson<UploadIn>,
) -> Result<impl IntoResponse, AppError> {
    let input = body.value;
    let sha = Sha256Hex::parse(&input.sha256).map_err(|e| AppError::invalid("sha256", e))?;
    if input.size == 0 || input.size > MAX_DIRECT_UPLOAD {
        return Err(AppError::invalid("size", "between 1 byte and 5 GiB"));
    }
    let content_type = media_type(&input.content_type)
        .ok_or_else(|| AppError::invalid("content_type", "a media type such as application/pdf"))?;
    let upload = state
        .documents
        .presign_upload(&sha, &content_type, input.size, UPLOAD_URL_LIFETIME)
        .await?
        .ok_or_else(|| {
            AppError::not_found("direct uploads exist only on the AWS backend; upload with POST /v1/documents")
        })?;
    // The bytes go straight to storage; the grant is made when the upload is announced.
    grant(&state, &caller, &sha).await?;
    Ok((StatusCode::CREATED, Json(upload)))
}
