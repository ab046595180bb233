//! The printable certificate page: the facts of the sealed certificate, for people. It is
//! public (an unguessable envelope id reaches it, and the program's public page links it), so it
//! leaves out what is personal — e-mail addresses, IP addresses, browsers — which the sealed
//! JSON holds for the parties (`GET /v1/envelopes/{id}/certificate`).

use super::layout::{page, respond};
use super::request::PageLang;
use super::sign_view::time;
use crate::http::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use serde_json::Value;

fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter().fold(v, |v, k| &v[*k]).as_str().unwrap_or("")
}

fn instant(v: &Value) -> String {
    v.as_str()
        .and_then(|s| s.parse::<DateTime<Utc>>().ok())
        .map(time)
        .unwrap_or_default()
}

pub async fn show(State(state): State<AppState>, PageLang(lang): PageLang, Path(id): Path<String>) -> Response {
    let path = format!("/certificates/{id}");
    let missing = |status| {
        let body = html! { h1 { (lang.t("Ingen signaturbevis", "No certificate")) }
        p { (lang.t("Det finnes ikke noe forseglet signaturbevis med denne adressen.", "There is no sealed certificate at this address.")) } };
        respond(
            status,
            page(lang, lang.t("Ingen signaturbevis", "No certificate"), &path, body),
        )
    };
    let envelope = match state.engine.store.envelope(&id).await {
        Ok(Some(e)) => e,
        Ok(None) => return missing(StatusCode::NOT_FOUND),
        Err(e) => {
            tracing::error!(error = %e, "certificate page failed");
            return missing(StatusCode::SERVICE_UNAVAILABLE);
        }
    };
    let Ok(bytes) = super::super::envelopes::certificate_bytes(&state, &envelope).await else {
        return missing(StatusCode::NOT_FOUND);
    };
    let Ok(cert) = serde_json::from_slice::<Value>(&bytes) else {
        return missing(StatusCode::SERVICE_UNAVAILABLE);
    };
    let title = lang.t("Signaturbevis", "Certificate of signature");
    respond(StatusCode::OK, page(lang, title, &path, view(lang, &id, &cert)))
}

fn view(lang: super::layout::Lang, id: &str, c: &Value) -> Markup {
    let signers = c["signers"].as_array().cloned().unwrap_or_default();
    let documents = c["documents"].as_array().cloned().unwrap_or_default();
    html! {
        h1 { (lang.t("Signaturbevis", "Certificate of signature")) }
        p { strong { (text(c, &["title"])) } }
        p { (lang.t("Forseglet ", "Sealed ")) (instant(&c["sealed_at"])) ". "
            (lang.t("Alle parter har signert.", "All parties have signed.")) }
        h2 { (lang.t("Parter", "Parties")) }
        ul {
            li { (text(c, &["municipality", "name"])) " (" (text(c, &["municipality", "number"])) ")" }
            li { (text(c, &["counterparty", "name"])) " (" (text(c, &["counterparty", "org_number"])) ")" }
        }
        h2 { (lang.t("Dokumenter (SHA-256)", "Documents (SHA-256)")) }
        ul { @for d in &documents { li { code.hash { (text(d, &["sha256"])) } } } }
        h2 { (lang.t("Signaturer", "Signatures")) }
        p { (lang.t("Hver signatar bekreftet med en engangskode sendt til sin e-postadresse.",
                    "Each signer confirmed with a one-time code sent to their e-mail address.")) }
        table {
            thead { tr { th { "#" } th { (lang.t("Navn", "Name")) } th { (lang.t("Signert", "Signed")) } } }
            tbody {
                @for s in &signers {
                    tr {
                        td { (s["order"].as_u64().unwrap_or(0)) }
                        td { (text(s, &["name"])) br; span.muted { (text(s, &["title"])) } }
                        td { (instant(&s["signed_at"])) }
                    }
                }
            }
        }
        h2 { (lang.t("Forsegling", "Seal")) }
        table {
            tbody {
                tr { th { (lang.t("Konvolutt", "Envelope")) } td { code { (id) } } }
                tr { th { (lang.t("Hendelseskjede", "Event chain")) } td { "#" (c["chain_head"]["seq"].as_u64().unwrap_or(0)) " " code.hash { (text(c, &["chain_head", "hash"])) } } }
                tr { th { (lang.t("Nøkkel", "Key")) } td { code { (text(c, &["key_id"])) } " (Ed25519)" } }
                tr { th { (lang.t("Signatur", "Signature")) } td { code.hash { (text(c, &["signature"])) } } }
            }
        }
        p.muted {
            (lang.t("Kontroller uten nett: ", "Verify offline: "))
            code { "vedtak verify --document FILE --certificate certificate.json --keys vedtak-keys.json" }
            (lang.t(" med nøklene fra ", " with the keys from "))
            a href="/.well-known/vedtak-keys.json" { "/.well-known/vedtak-keys.json" } ". "
            (lang.t("Det forseglede sertifikatet har også partenes e-postadresser, IP-adresser og nettlesere; det vises bare til partene.",
                    "The sealed certificate also holds the signers' e-mail addresses, IP addresses and browsers; only the parties see it."))
        }
    }
}
