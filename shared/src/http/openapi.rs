//! The OpenAPI document, generated from the handlers' annotations and served at
//! `/v1/openapi.json`, so the reference can never drift from the code.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "vedtak", description = "Political decisions and e-signing for municipalities' option agreements. Errors are application/problem+json (RFC 9457). Commands accept If-Match and Idempotency-Key."),
    paths(
        super::programs::create, super::programs::get, super::programs::create_key,
        super::enrollments::create, super::enrollments::list, super::enrollments::get, super::enrollments::events,
        super::commands::notice, super::commands::meetings, super::commands::decision, super::commands::exercise,
        super::commands::decline, super::commands::preferences, super::commands::golive, super::commands::live,
        super::envelopes::agreement, super::envelopes::get, super::envelopes::void, super::envelopes::certificate,
        super::envelopes::keys,
        super::webhooks::create, super::webhooks::list, super::webhooks::get, super::webhooks::rotate,
        super::webhooks::disable, super::webhooks::enable, super::webhooks::deliveries, super::webhooks::retry,
        super::inbound::receive, super::inbound::new_secret,
        super::documents::upload, super::documents::download, super::documents::presign,
        super::clock::get, super::clock::put,
        super::golive::plan, super::golive::plan_svg,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
