//! Inbound webhooks: a municipality's case-management system posts its meetings and decisions,
//! signed the Standard Webhooks way with the municipality's inbound secret. A verified message
//! runs exactly the command the API would run, under exactly the same rules, and a repeated
//! `webhook-id` is answered as the first time without running anything again.

use super::dto::{DecisionIn, MeetingIn};
use super::enrollments::answer;
use super::error::AppError;
use super::extract::Caller;
use super::programs::{load_program, program_id};
use super::AppState;
use crate::domain::{Command, MunicipalityNumber};
use crate::service::{CommandRequest, Idempotency};
use crate::webhooks::{signature, InboundSecret};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// How far a message's timestamp may be from our clock: an older message is a replay.
const TOLERANCE_SECONDS: i64 = 5 * 60;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundIn {
    /// `meeting.scheduled` or `decision.recorded`.
    #[serde(rename = "type")]
    pub message_type: String,
    pub municipality: String,
    /// The body of the `meetings` or `decision` command.
    #[schema(value_type = Object)]
    pub data: Value,
}

impl InboundIn {
    /// The command this message asks for: the same one, under the same rules, as the API's.
    pub fn command(self) -> Result<Command, AppError> {
        match self.message_type.as_str() {
            "meeting.scheduled" => {
                let meeting: MeetingIn =
                    serde_json::from_value(self.data).map_err(|e| AppError::bad_request(format!("data: {e}")))?;
                Ok(Command::Meetings(meeting.validate()?))
            }
            "decision.recorded" => {
                let decision: DecisionIn =
                    serde_json::from_value(self.data).map_err(|e| AppError::bad_request(format!("data: {e}")))?;
                Ok(Command::Decision(decision.validate()?))
            }
            other => Err(AppError::bad_request(format!(
                "type {other:?}: expected meeting.scheduled or decision.recorded"
            ))),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InboundSecretOut {
    /// `whsec_…`: shown once. Sign inbound messages with it.
    pub secret: String,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn unauthorized(detail: &str) -> AppError {
    AppError::new(401, "bad-signature", detail)
}

/// A decision or meeting from a case-management system.
#[utoipa::path(post, path = "/v1/inbound/{pid}", tag = "webhooks", request_body = InboundIn, security(()),
    params(("pid" = String, Path), ("webhook-id" = String, Header), ("webhook-timestamp" = String, Header), ("webhook-signature" = String, Header)),
    responses((status = 200, body = crate::domain::Enrollment), (status = 400, description = "malformed, or the timestamp is more than 5 minutes off", body = crate::problem::Problem),
        (status = 401, description = "no valid signature", body = crate::problem::Problem)))]
pub async fn receive(
    State(state): State<AppState>,
    Path(pid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let pid = program_id(&pid)?;
    let (Some(id), Some(timestamp), Some(signed)) = (
        header(&headers, "webhook-id"),
        header(&headers, "webhook-timestamp"),
        header(&headers, "webhook-signature"),
    ) else {
        return Err(unauthorized(
            "webhook-id, webhook-timestamp and webhook-signature are required",
        ));
    };
    if id.is_empty() || id.len() > 255 || id.chars().any(|c| c.is_control() || c == ' ') {
        return Err(AppError::bad_request("webhook-id must be 1-255 visible characters"));
    }
    let timestamp: i64 = timestamp
        .parse()
        .map_err(|_| AppError::bad_request("webhook-timestamp is unix seconds"))?;
    let skew = (state.engine.now().timestamp() - timestamp).abs();
    if skew > TOLERANCE_SECONDS {
        return Err(AppError::new(
            400,
            "stale-timestamp",
            "webhook-timestamp is more than 5 minutes from our clock",
        ));
    }
    // The municipality names the secret to check with, so the body is read before it is
    // trusted; nothing in it is acted on until the signature holds.
    let message = super::strict_json::parse(&body).and_then(serde_json::from_value::<InboundIn>);
    let message = message.map_err(|e| AppError::bad_request(format!("body: {e}")))?;
    let number = MunicipalityNumber::parse(&message.municipality).map_err(|e| AppError::invalid("municipality", e))?;
    let secret = state.engine.store.inbound_secret(&pid, &number).await?;
    let verified = secret.is_some_and(|s| signature::verify(&s.secret, signed, id, timestamp, &body));
    if !verified {
        return Err(unauthorized(
            "the signature does not match this municipality's inbound secret",
        ));
    }
    let command = message.command()?;
    let actor = format!("inbound:{pid}:{number}");
    let request = CommandRequest {
        // The webhook-id is the idempotency key: a repeat is answered as the first time.
        idempotency: Some(Idempotency {
            scope: format!("{actor}:{id}"),
            fingerprint: crate::canonical::sha256_hex(
                &serde_json::json!({ "inbound": hex::encode(ring::digest::digest(&ring::digest::SHA256, &body)) }),
            ),
        }),
        program: pid,
        number,
        command,
        actor,
        if_match: None,
        occurred_at: None,
    };
    Ok(answer(state.engine.execute(request).await?, StatusCode::OK))
}

/// A new inbound secret for one municipality (shown once; replaces the old one).
#[utoipa::path(post, path = "/v1/programs/{pid}/municipalities/{n}/inbound-secret", tag = "webhooks",
    params(("pid" = String, Path), ("n" = String, Path)), responses((status = 200, body = InboundSecretOut)))]
pub async fn new_secret(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((pid, n)): Path<(String, String)>,
) -> Result<Json<InboundSecretOut>, AppError> {
    let program = load_program(&state, &program_id(&pid)?).await?;
    let number = super::enrollments::number(&n)?;
    if !caller.can_see(&program.id, &number) {
        return Err(AppError::forbidden());
    }
    state.engine.load(&program.id, &number).await?;
    let secret = signature::new_secret();
    let record = InboundSecret {
        program: program.id,
        number,
        secret: secret.clone(),
        created_at: state.engine.now(),
    };
    state.engine.store.put_inbound_secret(&record).await?;
    Ok(Json(InboundSecretOut { secret }))
}
