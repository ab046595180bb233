use super::dto::{KeyIn, ProgramIn};
use super::error::AppError;
use super::extract::{ApiJson, Caller};
use super::AppState;
use crate::auth::{generate_key, hash_key, ApiKey, Role};
use crate::domain::{MunicipalityNumber, Program, ProgramId};
use crate::ports::StoreError;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

pub(super) fn program_id(raw: &str) -> Result<ProgramId, AppError> {
    ProgramId::parse(raw).map_err(|_| AppError::not_found(format!("program {raw} not found")))
}

pub(super) async fn load_program(state: &AppState, pid: &ProgramId) -> Result<Program, AppError> {
    state
        .engine
        .store
        .program(pid)
        .await?
        .ok_or_else(|| AppError::not_found(format!("program {pid} not found")))
}

/// Create a program (platform admin).
#[utoipa::path(post, path = "/v1/programs", request_body = ProgramIn, tag = "programs",
    responses((status = 201, body = Program), (status = 409, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: ApiJson<ProgramIn>,
) -> Result<impl IntoResponse, AppError> {
    if !caller.is_platform_admin() {
        return Err(AppError::forbidden());
    }
    let v = body.value.validate()?;
    let program = Program {
        id: v.id,
        name: v.name,
        counterparty: v.counterparty,
        option_deadline: v.option_deadline,
        time_zone: v.time_zone,
        counterparty_signer: v.counterparty_signer,
        envelope_days: v.envelope_days,
        created_at: state.engine.now(),
    };
    match state.engine.store.create_program(&program).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(AppError::new(
                409,
                "already-exists",
                format!("program {} already exists", program.id),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    let location = format!("/v1/programs/{}", program.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(program)))
}

/// Read a program.
#[utoipa::path(get, path = "/v1/programs/{pid}", tag = "programs", params(("pid" = String, Path)),
    responses((status = 200, body = Program), (status = 404, body = crate::problem::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(pid): Path<String>,
) -> Result<Json<Program>, AppError> {
    let pid = program_id(&pid)?;
    if !caller.can_see_program(&pid) {
        return Err(AppError::forbidden());
    }
    Ok(Json(load_program(&state, &pid).await?))
}

#[derive(Serialize, ToSchema)]
pub struct NewKey {
    /// The secret. Shown this once; only its hash is kept.
    pub key: String,
    pub id: String,
    pub role: Role,
    pub program: String,
    pub municipality: Option<String>,
}

/// Create an API key for a program admin (platform admin only) or a municipality admin
/// (platform admin or the program's admin).
#[utoipa::path(post, path = "/v1/programs/{pid}/keys", request_body = KeyIn, tag = "programs", params(("pid" = String, Path)),
    responses((status = 201, body = NewKey), (status = 403, body = crate::problem::Problem)))]
pub async fn create_key(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(pid): Path<String>,
    body: ApiJson<KeyIn>,
) -> Result<impl IntoResponse, AppError> {
    let pid = program_id(&pid)?;
    let (role, municipality) = match (body.value.role.as_str(), body.value.municipality.as_deref()) {
        ("program_admin", None) => (Role::ProgramAdmin, None),
        ("program_admin", Some(_)) => {
            return Err(AppError::invalid(
                "municipality",
                "a program_admin key is for the whole program; leave municipality out",
            ))
        }
        ("municipality_admin", Some(n)) => {
            let n = MunicipalityNumber::parse(n).map_err(|e| AppError::invalid("municipality", e))?;
            (Role::MunicipalityAdmin, Some(n))
        }
        ("municipality_admin", None) => {
            return Err(AppError::invalid(
                "municipality",
                "a municipality_admin key needs the municipality number",
            ))
        }
        _ => return Err(AppError::bad_request("role is program_admin or municipality_admin")),
    };
    let allowed = match role {
        Role::ProgramAdmin => caller.is_platform_admin(),
        _ => caller.administers(&pid),
    };
    if !allowed {
        return Err(AppError::forbidden());
    }
    load_program(&state, &pid).await?;
    if let Some(n) = &municipality {
        if state.engine.store.enrollment(&pid, n).await?.is_none() {
            return Err(AppError::not_found(format!(
                "municipality {n} is not enrolled in program {pid}"
            )));
        }
    }
    let (secret, id) = generate_key();
    let key = ApiKey {
        id: id.clone(),
        hash: hash_key(&secret),
        role,
        program: Some(pid.clone()),
        municipality: municipality.clone(),
        created_at: state.engine.now(),
    };
    state.engine.store.put_api_key(&key).await?;
    tracing::info!(key_id = %id, role = role.as_str(), program = %pid, "API key created");
    let answer = NewKey {
        key: secret,
        id,
        role,
        program: pid.to_string(),
        municipality: municipality.map(|m| m.to_string()),
    };
    Ok((StatusCode::CREATED, Json(answer)))
}
