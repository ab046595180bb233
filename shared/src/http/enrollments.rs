use super::dto::EnrollmentIn;
use super::error::AppError;
use super::extract::{ApiJson, Caller, CommandHeaders};
use super::programs::{load_program, program_id};
use super::AppState;
use crate::chain::Event;
use crate::domain::{Enrollment, MunicipalityNumber, State as EnrollmentState};
use crate::service::{Answer, Idempotency};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub(super) fn number(raw: &str) -> Result<MunicipalityNumber, AppError> {
    MunicipalityNumber::parse(raw).map_err(|_| AppError::not_found(format!("municipality {raw} not found")))
}

/// The answer to a command or an enrollment: the enrollment with its version as `ETag`, or
/// the first answer again when an `Idempotency-Key` is replayed.
pub(super) fn answer(answer: Answer, fresh_status: StatusCode) -> Response {
    match answer {
        Answer::Done(enrollment) => enrollment_response(*enrollment, fresh_status),
        Answer::Replayed { status, body } => {
            let mut response = super::error::problem_response(status, body);
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            response
        }
    }
}

pub(super) fn enrollment_response(enrollment: Enrollment, status: StatusCode) -> Response {
    let etag = format!("\"{}\"", enrollment.version);
    (status, [(header::ETAG, etag)], Json(enrollment)).into_response()
}

pub(super) fn idempotency(
    caller_key: &str,
    headers: &CommandHeaders,
    path: &str,
    body_fingerprint: &str,
) -> Option<Idempotency> {
    headers.idempotency_key.as_ref().map(|key| Idempotency {
        scope: format!("{caller_key}:{key}"),
        fingerprint: crate::canonical::sha256_hex(&serde_json::json!({ "path": path, "body": body_fingerprint })),
    })
}

/// Enroll a municipality: `option_held`, version 1.
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities", request_body = EnrollmentIn, tag = "enrollments",
    params(("pid" = String, Path)),
    responses((status = 201, body = Enrollment), (status = 409, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: CommandHeaders,
    Path(pid): Path<String>,
    body: ApiJson<EnrollmentIn>,
) -> Result<Response, AppError> {
    let pid = program_id(&pid)?;
    if !caller.administers(&pid) {
        return Err(AppError::forbidden());
    }
    let new = body.value.validate()?;
    let path = format!("/v1/programs/{pid}/municipalities");
    let idem = idempotency(&caller.key_id, &headers, &path, &body.fingerprint);
    let result = state.engine.enroll(&pid, new, &caller.actor(), idem).await?;
    Ok(answer(result, StatusCode::CREATED))
}

#[derive(Deserialize)]
pub struct ListQuery {
    /// Only enrollments in this state.
    state: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EnrollmentList {
    pub items: Vec<Enrollment>,
}

/// List the program's enrollments a key may see, optionally in one state.
#[utoipa::path(get, path = "/v1/programs/{pid}/municipalities", tag = "enrollments",
    params(("pid" = String, Path), ("state" = Option<String>, Query, description = "only enrollments in this state")),
    responses((status = 200, body = EnrollmentList), (status = 400, body = crate::problem::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(pid): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Json<EnrollmentList>, AppError> {
    let pid = program_id(&pid)?;
    if !caller.can_see_program(&pid) {
        return Err(AppError::forbidden());
    }
    let wanted = match query.state.as_deref() {
        None => None,
        Some(s) => {
            Some(EnrollmentState::parse(s).ok_or_else(|| AppError::bad_request(format!("unknown state '{s}'")))?)
        }
    };
    load_program(&state, &pid).await?;
    let items = state
        .engine
        .store
        .enrollments(&pid)
        .await?
        .into_iter()
        .filter(|e| caller.can_see(&pid, &e.number))
        .filter(|e| wanted.is_none_or(|w| e.state == w))
        .collect();
    Ok(Json(EnrollmentList { items }))
}

/// Read one enrollment.
#[utoipa::path(get, path = "/v1/programs/{pid}/municipalities/{n}", tag = "enrollments",
    params(("pid" = String, Path), ("n" = String, Path)),
    responses((status = 200, body = Enrollment), (status = 404, body = crate::problem::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((pid, n)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (pid, n) = (program_id(&pid)?, number(&n)?);
    if !caller.can_see(&pid, &n) {
        return Err(AppError::forbidden());
    }
    let enrollment = state.engine.load(&pid, &n).await?;
    Ok(enrollment_response(enrollment, StatusCode::OK))
}

#[derive(Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<Event>,
}

/// The enrollment's hash-chained history.
#[utoipa::path(get, path = "/v1/programs/{pid}/municipalities/{n}/events", tag = "enrollments",
    params(("pid" = String, Path), ("n" = String, Path)),
    responses((status = 200, body = EventList), (status = 404, body = crate::problem::Problem)))]
pub async fn events(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((pid, n)): Path<(String, String)>,
) -> Result<Json<EventList>, AppError> {
    let (pid, n) = (program_id(&pid)?, number(&n)?);
    if !caller.can_see(&pid, &n) {
        return Err(AppError::forbidden());
    }
    state.engine.load(&pid, &n).await?;
    Ok(Json(EventList {
        items: state.engine.store.events(&pid, &n).await?,
    }))
}
