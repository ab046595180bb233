//! One route per command, each a thin shell: parse the body into a domain command and hand it
//! to the service with the caller, `If-Match` and `Idempotency-Key`.

use super::dto::{reason, DecisionIn, DeclineIn, EmptyIn, GoliveIn, MeetingIn, PreferencesIn};
use super::enrollments::{answer, idempotency, number};
use super::error::AppError;
use super::extract::{ApiJson, Caller, CommandHeaders};
use super::programs::program_id;
use super::AppState;
use crate::auth::Principal;
use crate::domain::{Command, Enrollment};
use crate::service::CommandRequest;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<AppState> {
    const BASE: &str = "/v1/programs/{pid}/municipalities/{n}";
    Router::new()
        .route(&format!("{BASE}/notice"), post(notice))
        .route(&format!("{BASE}/meetings"), post(meetings))
        .route(&format!("{BASE}/decision"), post(decision))
        .route(&format!("{BASE}/exercise"), post(exercise))
        .route(&format!("{BASE}/decline"), post(decline))
        .route(&format!("{BASE}/preferences"), post(preferences))
        .route(&format!("{BASE}/golive"), post(golive))
        .route(&format!("{BASE}/live"), post(live))
}

type Ids = Path<(String, String)>;

async fn run(
    state: AppState,
    caller: Principal,
    headers: CommandHeaders,
    ids: (String, String),
    command: Command,
    fingerprint: &str,
) -> Result<Response, AppError> {
    let (pid, n) = (program_id(&ids.0)?, number(&ids.1)?);
    let kind = command.kind();
    if !caller.can_run(&pid, &n, kind) {
        return Err(AppError::forbidden());
    }
    let path = format!("/v1/programs/{pid}/municipalities/{n}/{kind}");
    let request = CommandRequest {
        idempotency: idempotency(&caller.key_id, &headers, &path, fingerprint),
        program: pid,
        number: n,
        command,
        actor: caller.actor(),
        if_match: headers.if_match,
        occurred_at: None,
    };
    Ok(answer(state.engine.execute(request).await?, StatusCode::OK))
}

/// E-mail the option notice with the deadline: `option_held` → `notice_sent`.
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities/{n}/notice", tag = "commands", request_body = EmptyIn,
    params(("pid" = String, Path), ("n" = String, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = Enrollment), (status = 409, body = crate::problem::Problem), (status = 412, body = crate::problem::Problem)))]
pub async fn notice(
    State(s): State<AppState>,
    Caller(c): Caller,
    h: CommandHeaders,
    Path(ids): Ids,
    body: ApiJson<EmptyIn>,
) -> Result<Response, AppError> {
    run(s, c, h, ids, Command::Notice, &body.fingerprint).await
}

/// Schedule the political treatment: → `meeting_scheduled`.
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities/{n}/meetings", tag = "commands", request_body = MeetingIn,
    params(("pid" = String, Path), ("n" = String, Path)),
    responses((status = 200, body = Enrollment), (status = 409, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)))]
pub async fn meetings(
    State(s): State<AppState>,
    Caller(c): Caller,
    h: CommandHeaders,
    Path(ids): Ids,
    body: ApiJson<MeetingIn>,
) -> Result<Response, AppError> {
    let meeting = body.value.validate()?;
    run(s, c, h, ids, Command::Meetings(meeting), &body.fingerprint).await
}

/// Record the vote: → `adopted` or `rejected`, under the Local Government Act's rules.
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities/{n}/decision", tag = "commands", request_body = DecisionIn,
    params(("pid" = String, Path), ("n" = String, Path)),
    responses((status = 200, body = Enrollment), (status = 409, body = crate::problem::Problem), (status = 422, description = "quorum not met, tie without casting vote, votes that do not add up", body = crate::problem::Problem)))]
pub async fn decision(
    State(s): State<AppState>,
    Caller(c): Caller,
    h: CommandHeaders,
    Path(ids): Ids,
    body: ApiJson<DecisionIn>,
) -> Result<Response, AppError> {
    let vote = body.value.validate()?;
    run(s, c, h, ids, Command::Decision(vote), &body.fingerprint).await
}

/// Exercise the option, now, before the deadline: `adopted` → `option_exercised`.
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities/{n}/exercise", tag = "commands", request_body = EmptyIn,
    params(("pid" = String, Path), ("n" = String, Path)),
    responses((status = 200, body = Enrollment), (status = 409, description = "not adopted, or the deadline has passed", body = crate::problem::Problem)))]
pub async fn exercise(
    State(s): State<AppState>,
    Caller(c): Caller,
    h: CommandHeaders,
    Path(ids): Ids,
    body: ApiJson<EmptyIn>,
) -> Result<Response, AppError> {
    run(s, c, h, ids, Command::Exercise, &body.fingerprint).await
}

/// Decline the option: → `declined` (terminal).
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities/{n}/decline", tag = "commands", request_body = DeclineIn,
    params(("pid" = String, Path), ("n" = String, Path)),
    responses((status = 200, body = Enrollment), (status = 409, body = crate::problem::Problem)))]
pub async fn decline(
    State(s): State<AppState>,
    Caller(c): Caller,
    h: CommandHeaders,
    Path(ids): Ids,
    body: ApiJson<DeclineIn>,
) -> Result<Response, AppError> {
    let reason = reason(&body.value.reason)?;
    run(s, c, h, ids, Command::Decline { reason }, &body.fingerprint).await
}

/// Record the wished go-live month and number of end users; no state change.
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities/{n}/preferences", tag = "commands", request_body = PreferencesIn,
    params(("pid" = String, Path), ("n" = String, Path)),
    responses((status = 200, body = Enrollment), (status = 409, body = crate::problem::Problem)))]
pub async fn preferences(
    State(s): State<AppState>,
    Caller(c): Caller,
    h: CommandHeaders,
    Path(ids): Ids,
    body: ApiJson<PreferencesIn>,
) -> Result<Response, AppError> {
    let preferences = body.value.validate()?;
    run(s, c, h, ids, Command::Preferences(preferences), &body.fingerprint).await
}

/// Schedule (or move) go-live: `agreement_signed`/`golive_scheduled` → `golive_scheduled`.
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities/{n}/golive", tag = "commands", request_body = GoliveIn,
    params(("pid" = String, Path), ("n" = String, Path)),
    responses((status = 200, body = Enrollment), (status = 409, body = crate::problem::Problem)))]
pub async fn golive(
    State(s): State<AppState>,
    Caller(c): Caller,
    h: CommandHeaders,
    Path(ids): Ids,
    body: ApiJson<GoliveIn>,
) -> Result<Response, AppError> {
    let (date, end_users) = body.value.validate()?;
    run(s, c, h, ids, Command::Golive { date, end_users }, &body.fingerprint).await
}

/// The municipality is live: `golive_scheduled` → `live`.
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities/{n}/live", tag = "commands", request_body = EmptyIn,
    params(("pid" = String, Path), ("n" = String, Path)),
    responses((status = 200, body = Enrollment), (status = 409, body = crate::problem::Problem)))]
pub async fn live(
    State(s): State<AppState>,
    Caller(c): Caller,
    h: CommandHeaders,
    Path(ids): Ids,
    body: ApiJson<EmptyIn>,
) -> Result<Response, AppError> {
    run(s, c, h, ids, Command::Live, &body.fingerprint).await
}
