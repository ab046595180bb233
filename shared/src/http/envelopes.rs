//! Envelopes over the JSON API: the `agreement` command that opens one, reading it, voiding it,
//! its sealed certificate, and the public keys that certificates verify against.

use super::dto::reason;
use super::enrollments::{answer, idempotency, number};
use super::envelope_dto::{AgreementIn, EnvelopeView, VoidIn};
use super::error::AppError;
use super::extract::{ApiJson, Caller, CommandHeaders};
use super::programs::program_id;
use super::AppState;
use crate::domain::{CommandKind, Enrollment, Envelope, EnvelopeCommand};
use crate::service::EnvelopeRequest;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Send the service agreement for signing: `option_exercised` → `agreement_sent`.
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities/{n}/agreement", tag = "commands", request_body = AgreementIn,
    params(("pid" = String, Path), ("n" = String, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = Enrollment), (status = 409, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)))]
pub async fn agreement(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: CommandHeaders,
    Path((pid, n)): Path<(String, String)>,
    body: ApiJson<AgreementIn>,
) -> Result<Response, AppError> {
    let (pid, n) = (program_id(&pid)?, number(&n)?);
    if !caller.can_run(&pid, &n, CommandKind::Agreement) {
        return Err(AppError::forbidden());
    }
    let spec = body.value.validate()?;
    let path = format!("/v1/programs/{pid}/municipalities/{n}/agreement");
    let request = EnvelopeRequest {
        idempotency: idempotency(&caller.key_id, &headers, &path, &body.fingerprint),
        program: pid,
        number: n,
        actor: caller.actor(),
        if_match: headers.if_match,
    };
    let (done, _) = state
        .engine
        .open_agreement(&request, spec.title, &spec.documents, spec.signers)
        .await?;
    Ok(answer(done, StatusCode::OK))
}

/// An envelope the caller may see (any key of its enrollment).
async fn visible(state: &AppState, caller: &crate::auth::Principal, id: &str) -> Result<Envelope, AppError> {
    let envelope = state.engine.store.envelope(id).await?;
    match envelope {
        Some(e) if caller.can_see(&e.program, &e.number) => Ok(e),
        Some(_) => Err(AppError::forbidden()),
        None => Err(AppError::not_found(format!("envelope {id} not found"))),
    }
}

/// An envelope: its documents, its signers in order and how far they have come.
#[utoipa::path(get, path = "/v1/envelopes/{id}", tag = "envelopes", params(("id" = String, Path)),
    responses((status = 200, body = EnvelopeView), (status = 404, body = crate::problem::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Json<EnvelopeView>, AppError> {
    Ok(Json(EnvelopeView::of(&visible(&state, &caller, &id).await?)))
}

/// Void an envelope (program admin): no one can sign it any more, and the enrollment goes back
/// to `option_exercised` so a corrected agreement can be sent.
#[utoipa::path(post, path = "/v1/envelopes/{id}/void", tag = "envelopes", request_body = VoidIn, params(("id" = String, Path)),
    responses((status = 200, body = EnvelopeView), (status = 409, body = crate::problem::Problem)))]
pub async fn void(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: CommandHeaders,
    Path(id): Path<String>,
    body: ApiJson<VoidIn>,
) -> Result<Response, AppError> {
    let envelope = visible(&state, &caller, &id).await?;
    if !caller.administers(&envelope.program) {
        return Err(AppError::forbidden());
    }
    let reason = reason(&body.value.reason)?;
    let path = format!("/v1/envelopes/{id}/void");
    let request = EnvelopeRequest {
        idempotency: idempotency(&caller.key_id, &headers, &path, &body.fingerprint),
        program: envelope.program.clone(),
        number: envelope.number.clone(),
        actor: caller.actor(),
        if_match: headers.if_match,
    };
    let (done, after) = state
        .engine
        .on_envelope(&request, &id, EnvelopeCommand::Void { reason })
        .await?;
    Ok(match (done, after) {
        (_, Some(envelope)) => Json(EnvelopeView::of(&envelope)).into_response(),
        (replayed, None) => answer(replayed, StatusCode::OK),
    })
}

/// The sealed certificate of a completed envelope, as JSON: verify it with `vedtak verify`.
#[utoipa::path(get, path = "/v1/envelopes/{id}/certificate", tag = "envelopes", params(("id" = String, Path)),
    responses((status = 200, description = "the sealed certificate"), (status = 404, body = crate::problem::Problem)))]
pub async fn certificate(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let envelope = visible(&state, &caller, &id).await?;
    let bytes = certificate_bytes(&state, &envelope).await?;
    let disposition = format!("inline; filename=\"certificate-{id}.json\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The stored certificate of a completed envelope.
pub(super) async fn certificate_bytes(state: &AppState, envelope: &Envelope) -> Result<bytes::Bytes, AppError> {
    let not_yet = || {
        AppError::not_found(format!(
            "envelope {} has no certificate: it is {}",
            envelope.id,
            envelope.status.as_str()
        ))
    };
    let sha = envelope.certificate_sha256.as_ref().ok_or_else(not_yet)?;
    let (_, bytes) = state.documents.get(sha).await?.ok_or_else(not_yet)?;
    Ok(bytes)
}

/// The public keys certificates are sealed with, current first, for offline verification.
#[utoipa::path(get, path = "/.well-known/vedtak-keys.json", tag = "envelopes",
    responses((status = 200, description = "{\"keys\":[{\"key_id\",\"algorithm\",\"public_key\"}]}")))]
pub async fn keys(State(state): State<AppState>) -> Result<Response, AppError> {
    let keys = state.engine.signing_keys().await?;
    let mut response = Json(keys.published()).into_response();
    // Public and rarely changing, unlike everything else here.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}
