//! Go-live planning: the program's municipalities in months of at most `capacity` end users,
//! as JSON and as an SVG picture. The rules are in [`crate::planning`].

use super::error::AppError;
use super::extract::Caller;
use super::programs::{load_program, program_id};
use super::AppState;
use crate::auth::Principal;
use crate::domain::Program;
use crate::planning::{self, Plan};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// The municipalities going live in one month.
#[derive(Serialize, ToSchema)]
pub struct WaveOut {
    #[schema(example = "2022-11")]
    pub month: String,
    /// The sum of the municipalities' end users; never more than the capacity.
    pub end_users: u64,
    /// Municipality numbers, in order.
    #[schema(example = json!(["5027"]))]
    pub municipalities: Vec<String>,
    /// Those of `municipalities` whose agreement is not signed yet (planned no earlier than
    /// the month after the plan was made).
    pub unsigned: Vec<String>,
}

/// A municipality in no wave, and why: `declined`, `lapsed`, `option not exercised`,
/// `already live`, `no end-user count`, `more end users than the capacity`, or
/// `scheduled for YYYY-MM, which is over the capacity`.
#[derive(Serialize, ToSchema)]
pub struct UnplannedOut {
    #[schema(example = "5028")]
    pub number: String,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct GolivePlan {
    /// By month.
    pub waves: Vec<WaveOut>,
    /// By municipality number.
    pub unplanned: Vec<UnplannedOut>,
}

impl From<&Plan> for GolivePlan {
    fn from(plan: &Plan) -> Self {
        GolivePlan {
            waves: plan
                .waves
                .iter()
                .map(|w| WaveOut {
                    month: w.month.to_string(),
                    end_users: w.end_users,
                    municipalities: w.municipalities.iter().map(|m| m.number.clone()).collect(),
                    unsigned: w
                        .municipalities
                        .iter()
                        .filter(|m| !m.signed)
                        .map(|m| m.number.clone())
                        .collect(),
                })
                .collect(),
            unplanned: plan
                .unplanned
                .iter()
                .map(|u| UnplannedOut {
                    number: u.number.clone(),
                    reason: u.reason.clone(),
                })
                .collect(),
        }
    }
}

/// `capacity`: a whole number of end users a month, at least 1; anything else is 400.
fn capacity(query: Option<&str>) -> Result<u32, AppError> {
    let mut values = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .filter(|(k, _)| k == "capacity")
        .map(|(_, v)| v.into_owned());
    let (Some(raw), None) = (values.next(), values.next()) else {
        return Err(AppError::bad_request(
            "give the capacity once, as ?capacity=N (end users a month, at least 1)",
        ));
    };
    match raw.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(AppError::bad_request(format!(
            "capacity is a whole number of end users a month, at least 1 (got '{raw}')"
        ))),
    }
}

async fn make(
    state: &AppState,
    caller: &Principal,
    pid: &str,
    query: Option<&str>,
) -> Result<(Program, Plan), AppError> {
    let pid = program_id(pid)?;
    if !caller.can_see_program(&pid) {
        return Err(AppError::forbidden());
    }
    let capacity = capacity(query)?;
    let program = load_program(state, &pid).await?;
    let enrollments = state.engine.store.enrollments(&pid).await?;
    let made_in = planning::month_of(state.engine.now(), program.tz());
    let plan = planning::plan(&enrollments, capacity, made_in);
    Ok((program, plan))
}

/// Plan go-live in months of at most `capacity` end users, honouring preferred months where
/// capacity allows and never before the agreement is signed.
#[utoipa::path(get, path = "/v1/programs/{pid}/golive-plan", tag = "planning",
    params(("pid" = String, Path), ("capacity" = u32, Query, description = "end users a month, at least 1")),
    responses((status = 200, body = GolivePlan), (status = 400, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)))]
pub async fn plan(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(pid): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<GolivePlan>, AppError> {
    let (_, plan) = make(&state, &caller, &pid, query.as_deref()).await?;
    Ok(Json(GolivePlan::from(&plan)))
}

/// The same plan as an SVG picture: one row per month, bars sized by end users.
#[utoipa::path(get, path = "/v1/programs/{pid}/golive-plan.svg", tag = "planning",
    params(("pid" = String, Path), ("capacity" = u32, Query, description = "end users a month, at least 1")),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 400, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)))]
pub async fn plan_svg(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(pid): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let (program, plan) = make(&state, &caller, &pid, query.as_deref()).await?;
    let svg = crate::planning_svg::render(&plan, program.name.as_str());
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml")),
            // Shown on its own, the picture may not run or load anything.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
            ),
        ],
        svg,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn capacity_is_a_positive_whole_number_given_once() {
        assert_eq!(super::capacity(Some("capacity=1000")).unwrap(), 1000);
        assert_eq!(super::capacity(Some("x=1&capacity=7")).unwrap(), 7);
        for bad in [
            None,
            Some(""),
            Some("capacity="),
            Some("capacity=0"),
            Some("capacity=-3"),
            Some("capacity=ten"),
            Some("capacity=1.5"),
            Some("capacity=99999999999"),
            Some("capacity=1&capacity=2"),
        ] {
            assert_eq!(super::capacity(bad).unwrap_err().0.status, 400, "{bad:?}");
        }
    }
}
