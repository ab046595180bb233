//! `GET`/`PUT /v1/clock`: the settable clock of a time-travelling local server. Without
//! `--allow-time-travel` both answer 404, so no deployment can be moved in time.

use super::error::AppError;
use super::extract::{ApiJson, Caller};
use super::AppState;
use crate::sweep;
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockIn {
    /// RFC 3339, e.g. `2021-10-31T23:59:59+01:00`.
    pub now: String,
}

#[derive(Serialize, ToSchema)]
pub struct ClockOut {
    pub now: DateTime<Utc>,
    /// What the sweep did at the new instant (only on PUT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lapsed: Option<usize>,
}

fn no_clock() -> AppError {
    AppError::not_found("this server has no settable clock (start it with --allow-time-travel)")
}

/// Read the server's time (any valid key: like every other API read, not for anonymous callers).
#[utoipa::path(get, path = "/v1/clock", tag = "clock", responses((status = 200, body = ClockOut), (status = 401, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)))]
pub async fn get(State(state): State<AppState>, Caller(_): Caller) -> Result<Json<ClockOut>, AppError> {
    state.travel.as_ref().ok_or_else(no_clock)?;
    Ok(Json(ClockOut {
        now: state.engine.now(),
        lapsed: None,
    }))
}

/// Move the server's time forward (platform admin) and run the sweep at that instant.
#[utoipa::path(put, path = "/v1/clock", tag = "clock", request_body = ClockIn,
    responses((status = 200, body = ClockOut), (status = 404, body = crate::problem::Problem), (status = 409, description = "moving back in time", body = crate::problem::Problem)))]
pub async fn put(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: ApiJson<ClockIn>,
) -> Result<Json<ClockOut>, AppError> {
    let travel = state.travel.as_ref().ok_or_else(no_clock)?;
    if !caller.is_platform_admin() {
        return Err(AppError::forbidden());
    }
    let to = DateTime::parse_from_rfc3339(&body.value.now)
        .map_err(|_| AppError::bad_request("now is an RFC 3339 time with offset, e.g. 2021-10-31T23:59:59+01:00"))?
        .with_timezone(&Utc);
    travel
        .set(to)
        .map_err(|e| AppError::new(409, "clock-backwards", e.to_string()))?;
    tracing::info!(now = %to, "clock moved");
    let report = sweep::sweep(&state.engine, state.engine.now()).await?;
    if let Some(dispatcher) = &state.dispatcher {
        dispatcher.run_once().await?;
    }
    Ok(Json(ClockOut {
        now: state.engine.now(),
        lapsed: Some(report.lapsed),
    }))
}
