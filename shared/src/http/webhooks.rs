//! Webhook subscriptions over the API: create (the secret is shown once), list, rotate the
//! secret with an overlap, disable and enable, and the deliveries with each try, which can be
//! retried by hand.

use super::error::AppError;
use super::extract::{ApiJson, Caller};
use super::programs::{load_program, program_id};
use super::AppState;
use crate::auth::Principal;
use crate::domain::{MunicipalityNumber, ProgramId};
use crate::webhooks::sender::{check_url, is_public};
use crate::webhooks::{signature, Attempt, Delivery, DeliveryStatus, Subscription, WebhookSecret, EVENT_TYPES};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How long the old secret keeps signing after a rotation, unless the caller says otherwise.
const DEFAULT_OVERLAP_HOURS: u32 = 24;
const MAX_OVERLAP_HOURS: u32 = 24 * 7;
const DELIVERIES_SHOWN: usize = 100;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionIn {
    pub url: String,
    /// Any of `enrollment.state_changed`, `envelope.completed`, `envelope.declined`, `deadline.approaching`.
    pub events: Vec<String>,
    /// Only this municipality's messages; a municipality admin's subscriptions always are.
    pub municipality: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RotateIn {
    /// Hours the old secret keeps signing beside the new one (default 24, at most 168).
    pub overlap_hours: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct SubscriptionView {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub municipality: Option<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    /// Until when a previous secret still signs (during a rotation).
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Shown only in the answer that created it (or rotated it): store it now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl SubscriptionView {
    fn of(s: &Subscription, secret: Option<String>) -> Self {
        SubscriptionView {
            id: s.id.clone(),
            url: s.url.clone(),
            events: s.events.clone(),
            municipality: s.municipality.as_ref().map(|m| m.to_string()),
            enabled: s.enabled,
            disabled_reason: s.disabled_reason.clone(),
            previous_secret_expires_at: s.secrets.iter().skip(1).filter_map(|x| x.expires_at).max(),
            created_at: s.created_at,
            secret,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryView {
    /// The `webhook-id` every try carries.
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: Vec<Attempt>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl DeliveryView {
    fn of(d: &Delivery) -> Self {
        DeliveryView {
            id: d.id.clone(),
            event_type: d.event_type.clone(),
            status: d.status,
            attempts: d.attempts.clone(),
            next_attempt_at: d.next_attempt_at,
            created_at: d.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// Program admins manage every subscription of their program; a municipality admin those of
/// its own municipality.
fn may_manage(caller: &Principal, program: &ProgramId, municipality: Option<&MunicipalityNumber>) -> bool {
    caller.administers(program) || municipality.is_some_and(|m| caller.can_see(program, m))
}

async fn managed(state: &AppState, caller: &Principal, pid: &str, id: &str) -> Result<Subscription, AppError> {
    let pid = program_id(pid)?;
    let found = state.engine.store.subscription(&pid, id).await?;
    match found {
        Some(s) if may_manage(caller, &pid, s.municipality.as_ref()) => Ok(s),
        Some(_) if caller.can_see_program(&pid) => Err(AppError::forbidden()),
        _ => Err(AppError::not_found(format!("webhook {id} not found"))),
    }
}

fn random_id() -> String {
    crate::signing::links::nonce()[..24].to_owned()
}

/// Subscribe an endpoint to a program's messages.
#[utoipa::path(post, path = "/v1/programs/{pid}/webhooks", tag = "webhooks", request_body = SubscriptionIn,
    params(("pid" = String, Path)), responses((status = 201, body = SubscriptionView), (status = 422, body = crate::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(pid): Path<String>,
    body: ApiJson<SubscriptionIn>,
) -> Result<Response, AppError> {
    let program = load_program(&state, &program_id(&pid)?).await?;
    let body = body.value;
    let mut municipality = match &body.municipality {
        Some(n) => Some(MunicipalityNumber::parse(n).map_err(|e| AppError::invalid("municipality", e))?),
        None => None,
    };
    if !caller.administers(&program.id) {
        // A municipality admin subscribes to its own municipality, whatever it asked for.
        municipality = caller.municipality.clone().filter(|m| caller.can_see(&program.id, m));
    }
    if !may_manage(&caller, &program.id, municipality.as_ref()) {
        return Err(AppError::forbidden());
    }
    let url = check_url(&body.url).map_err(|e| AppError::invalid("url", e))?;
    let literal_private = url
        .host_str()
        .and_then(|h| h.trim_matches(['[', ']']).parse().ok())
        .is_some_and(|ip| !is_public(ip));
    if literal_private && !state.allow_private_webhooks {
        return Err(AppError::new(
            422,
            "webhook-url-refused",
            "url: loopback, link-local and private addresses cannot receive webhooks",
        ));
    }
    if body.events.is_empty() || body.events.iter().any(|e| !EVENT_TYPES.contains(&e.as_str())) {
        return Err(AppError::invalid(
            "events",
            format!("one or more of {}", EVENT_TYPES.join(", ")),
        ));
    }
    let now = state.engine.now();
    let secret = signature::new_secret();
    let subscription = Subscription {
        id: format!("wh_{}", random_id()),
        program: program.id.clone(),
        municipality,
        url: url.to_string(),
        events: body.events.clone(),
        secrets: vec![WebhookSecret {
            secret: secret.clone(),
            created_at: now,
            expires_at: None,
        }],
        enabled: true,
        disabled_reason: None,
        created_at: now,
    };
    state.engine.store.put_subscription(&subscription).await?;
    Ok((
        StatusCode::CREATED,
        Json(SubscriptionView::of(&subscription, Some(secret))),
    )
        .into_response())
}

/// The program's subscriptions the caller manages (without secrets).
#[utoipa::path(get, path = "/v1/programs/{pid}/webhooks", tag = "webhooks", params(("pid" = String, Path)),
    responses((status = 200, body = Items<SubscriptionView>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(pid): Path<String>,
) -> Result<Json<Items<SubscriptionView>>, AppError> {
    let pid = program_id(&pid)?;
    if !caller.can_see_program(&pid) {
        return Err(AppError::forbidden());
    }
    let all = state.engine.store.subscriptions(&pid).await?;
    let items = all
        .iter()
        .filter(|s| may_manage(&caller, &pid, s.municipality.as_ref()))
        .map(|s| SubscriptionView::of(s, None))
        .collect();
    Ok(Json(Items { items }))
}

#[utoipa::path(get, path = "/v1/programs/{pid}/webhooks/{id}", tag = "webhooks", params(("pid" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = SubscriptionView), (status = 404, body = crate::problem::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((pid, id)): Path<(String, String)>,
) -> Result<Json<SubscriptionView>, AppError> {
    Ok(Json(SubscriptionView::of(
        &managed(&state, &caller, &pid, &id).await?,
        None,
    )))
}

/// A new secret (shown once); the old one keeps signing beside it for the overlap, so
/// receivers can switch without losing a message.
#[utoipa::path(post, path = "/v1/programs/{pid}/webhooks/{id}/rotate", tag = "webhooks", request_body = RotateIn,
    params(("pid" = String, Path), ("id" = String, Path)), responses((status = 200, body = SubscriptionView)))]
pub async fn rotate(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((pid, id)): Path<(String, String)>,
    body: ApiJson<RotateIn>,
) -> Result<Json<SubscriptionView>, AppError> {
    let mut subscription = managed(&state, &caller, &pid, &id).await?;
    let hours = body.value.overlap_hours.unwrap_or(DEFAULT_OVERLAP_HOURS);
    if hours > MAX_OVERLAP_HOURS {
        return Err(AppError::invalid(
            "overlap_hours",
            format!("at most {MAX_OVERLAP_HOURS}"),
        ));
    }
    let now = state.engine.now();
    let until = now + Duration::hours(i64::from(hours));
    // Older secrets end now at the latest; the one being replaced signs until the overlap ends.
    for (i, old) in subscription.secrets.iter_mut().enumerate() {
        let end = if i == 0 { until } else { now };
        old.expires_at = Some(old.expires_at.map_or(end, |at| at.min(end)));
    }
    subscription.secrets.retain(|s| s.expires_at.is_none_or(|at| at > now));
    let secret = signature::new_secret();
    subscription.secrets.insert(
        0,
        WebhookSecret {
            secret: secret.clone(),
            created_at: now,
            expires_at: None,
        },
    );
    state.engine.store.put_subscription(&subscription).await?;
    Ok(Json(SubscriptionView::of(&subscription, Some(secret))))
}

async fn set_enabled(
    state: AppState,
    caller: Principal,
    pid: String,
    id: String,
    enabled: bool,
) -> Result<Json<SubscriptionView>, AppError> {
    let mut subscription = managed(&state, &caller, &pid, &id).await?;
    subscription.enabled = enabled;
    subscription.disabled_reason = (!enabled).then(|| format!("disabled by {}", caller.actor()));
    state.engine.store.put_subscription(&subscription).await?;
    Ok(Json(SubscriptionView::of(&subscription, None)))
}

#[utoipa::path(post, path = "/v1/programs/{pid}/webhooks/{id}/disable", tag = "webhooks", params(("pid" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = SubscriptionView)))]
pub async fn disable(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((pid, id)): Path<(String, String)>,
) -> Result<Json<SubscriptionView>, AppError> {
    set_enabled(state, caller, pid, id, false).await
}

#[utoipa::path(post, path = "/v1/programs/{pid}/webhooks/{id}/enable", tag = "webhooks", params(("pid" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = SubscriptionView)))]
pub async fn enable(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((pid, id)): Path<(String, String)>,
) -> Result<Json<SubscriptionView>, AppError> {
    set_enabled(state, caller, pid, id, true).await
}

/// The subscription's deliveries, newest first, each with its tries.
#[utoipa::path(get, path = "/v1/programs/{pid}/webhooks/{id}/deliveries", tag = "webhooks", params(("pid" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Items<DeliveryView>)))]
pub async fn deliveries(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((pid, id)): Path<(String, String)>,
) -> Result<Json<Items<DeliveryView>>, AppError> {
    let subscription = managed(&state, &caller, &pid, &id).await?;
    let list = state
        .engine
        .store
        .deliveries(&subscription.id, DELIVERIES_SHOWN)
        .await?;
    Ok(Json(Items {
        items: list.iter().map(DeliveryView::of).collect(),
    }))
}

/// Send one delivery again now (for example after a receiver was fixed).
#[utoipa::path(post, path = "/v1/programs/{pid}/webhooks/{id}/deliveries/{delivery_id}/retry", tag = "webhooks",
    params(("pid" = String, Path), ("id" = String, Path), ("delivery_id" = String, Path)), responses((status = 200, body = DeliveryView)))]
pub async fn retry(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((pid, id, delivery_id)): Path<(String, String, String)>,
) -> Result<Json<DeliveryView>, AppError> {
    let subscription = managed(&state, &caller, &pid, &id).await?;
    let delivery = state.engine.store.delivery(&subscription.id, &delivery_id).await?;
    let mut delivery = delivery.ok_or_else(|| AppError::not_found(format!("delivery {delivery_id} not found")))?;
    let deliverer = state.dispatcher.as_ref().and_then(|d| d.webhooks.clone());
    let delivery = match deliverer {
        Some(deliverer) => deliverer.retry_by_hand(delivery).await?,
        None => {
            // Where sending happens elsewhere (AWS: the scheduler), it is due at once.
            delivery.status = DeliveryStatus::Pending;
            delivery.next_attempt_at = Some(state.engine.now());
            state.engine.store.update_delivery(&delivery).await?;
            delivery
        }
    };
    Ok(Json(DeliveryView::of(&delivery)))
}
