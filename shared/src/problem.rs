//! RFC 9457 problem details, independent of HTTP so the service can store a refusal as the
//! answer to an `Idempotency-Key` and replay it byte for byte.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:vedtak:problem:<name>`; stable, so clients can branch on it.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
}

impl Problem {
    pub fn new(status: u16, slug: &str, detail: impl Into<String>) -> Problem {
        Problem {
            problem_type: format!("urn:vedtak:problem:{slug}"),
            title: title_of(slug),
            status,
            detail: detail.into(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("problems serialize")
    }
}

/// "quorum-not-met" -> "Quorum not met".
fn title_of(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
