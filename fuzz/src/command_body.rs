//! JSON request bodies: the bytes go through `ApiJson::from_bytes` as the API reads them, into
//! every body type, and on through each type's validation. Refusals must be client errors
//! (400/422), never a panic; the fingerprint must not depend on spacing or member order; and
//! what validation accepts must survive a trip through storage.

use crate::reads_back;
use serde::de::DeserializeOwned;
use vedtak::canonical;
use vedtak::domain::vote::tally;
use vedtak::domain::MunicipalityNumber;
use vedtak::http::dto::*;
use vedtak::http::error::AppError;
use vedtak::http::extract::ApiJson;
use vedtak::http::{AgreementIn, ClockIn, InboundIn, RotateIn, SubscriptionIn, UploadIn, VoidIn};
use vedtak::webhooks::sender::check_url;

pub fn check(data: &[u8]) {
    same_fingerprint_however_written(data);
    body::<ProgramIn>(data, |p| {
        let valid = p.validate()?;
        reads_back(&valid.counterparty);
        reads_back(&valid.counterparty_signer);
        Ok(())
    });
    body::<EnrollmentIn>(data, |e| {
        let valid = e.validate()?;
        reads_back(&valid.contact);
        reads_back(&valid.director);
        Ok(())
    });
    body::<MeetingIn>(data, |m| m.validate().map(|v| reads_back(&v)));
    body::<DecisionIn>(data, |d| {
        if let Ok(decision) = tally(&d.validate()?) {
            reads_back(&decision);
        }
        Ok(())
    });
    // A reason is kept as plain text, not as a `Text`, so it has no trip through storage to check.
    body::<DeclineIn>(data, |d| reason(&d.reason).map(drop));
    body::<VoidIn>(data, |v| reason(&v.reason).map(drop));
    body::<PreferencesIn>(data, |p| p.validate().map(|v| reads_back(&v)));
    body::<GoliveIn>(data, |g| g.validate().map(drop));
    body::<AgreementIn>(data, |a| a.validate().map(drop));
    body::<InboundIn>(data, |i| {
        MunicipalityNumber::parse(&i.municipality).map_err(|e| AppError::invalid("municipality", e))?;
        i.command().map(drop)
    });
    body::<SubscriptionIn>(data, |s| {
        if let Some(n) = &s.municipality {
            MunicipalityNumber::parse(n).map_err(|e| AppError::invalid("municipality", e))?;
        }
        check_url(&s.url).map_err(|e| AppError::invalid("url", e)).map(drop)
    });
    body::<EmptyIn>(data, |_| Ok(()));
    body::<KeyIn>(data, |_| Ok(()));
    body::<RotateIn>(data, |_| Ok(()));
    body::<ClockIn>(data, |_| Ok(()));
    body::<UploadIn>(data, |_| Ok(()));
}

/// Reads `data` as a `T` body and validates it with `then`; any refusal must be a client error.
fn body<T: DeserializeOwned>(data: &[u8], then: impl FnOnce(T) -> Result<(), AppError>) {
    let outcome = ApiJson::<T>::from_bytes(data).and_then(|body| then(body.value));
    if let Err(AppError(problem)) = outcome {
        assert!(
            matches!(problem.status, 400 | 422),
            "a body was refused with {}: {}",
            problem.status,
            problem.detail
        );
    }
}

/// The fingerprint (the idempotency key's guard) is the same for the same JSON written with
/// other spacing: here, its own canonical form.
fn same_fingerprint_however_written(data: &[u8]) {
    let Ok(first) = ApiJson::<serde_json::Value>::from_bytes(data) else {
        return;
    };
    let rewritten = canonical::to_vec(&first.value);
    let second = ApiJson::<serde_json::Value>::from_bytes(&rewritten).expect("canonical JSON parses");
    assert_eq!(
        first.fingerprint, second.fingerprint,
        "the fingerprint depends on how the JSON is written"
    );
}
