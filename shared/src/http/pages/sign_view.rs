//! What the signing pages show. Every value from outside (titles, names, reasons) goes through
//! maud's escaping; nothing here is marked raw.

use super::layout::{page, Lang};
use crate::domain::envelope::CODE_MAX_TRIES;
use crate::domain::{Enrollment, Envelope, EnvelopeStatus, Program, SignerStatus};
use crate::service::Located;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Oslo;
use maud::{html, Markup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
}

pub struct Notice {
    pub tone: Tone,
    pub text: String,
}

impl Notice {
    pub fn new(tone: Tone, text: impl Into<String>) -> Notice {
        Notice {
            tone,
            text: text.into(),
        }
    }
}

pub fn time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Oslo).format("%d.%m.%Y %H:%M").to_string()
}

fn notice(n: &Notice) -> Markup {
    let class = match n.tone {
        Tone::Good => "notice good",
        Tone::Bad => "notice bad",
    };
    html! { p class=(class) role="status" { (n.text) } }
}

fn signer_status(lang: Lang, s: SignerStatus) -> &'static str {
    match s {
        SignerStatus::Waiting => lang.t("venter på tur", "waiting for their turn"),
        SignerStatus::Invited => lang.t("til signering", "to sign"),
        SignerStatus::Signed => lang.t("signert", "signed"),
        SignerStatus::Declined => lang.t("avslått", "declined"),
    }
}

/// The documents and the parties: what the signer is asked to sign, and between whom.
fn facts(lang: Lang, token: &str, e: &Envelope, program: &Program, enrollment: &Enrollment) -> Markup {
    html! {
        h2 { (lang.t("Dokumenter", "Documents")) }
        table {
            thead { tr { th { (lang.t("Dokument", "Document")) } th { "SHA-256" } } }
            tbody {
                @for (i, d) in e.documents.iter().enumerate() {
                    tr {
                        td {
                            a href=(format!("/sign/{token}/documents/{}{}", d.sha256, lang.query())) {
                                @if i == 0 { (lang.t("Les avtalen", "Read the agreement")) }
                                @else { (lang.t("Vedlegg", "Appendix")) " " (i) }
                            }
                            br; span.muted { (d.content_type) ", " (d.size) " bytes" }
                        }
                        td { code.hash { (d.sha256) } }
                    }
                }
            }
        }
        h2 { (lang.t("Parter", "Parties")) }
        ul {
            li { (enrollment.name) " " (lang.t("kommune", "municipality")) " (" (enrollment.number) ")" }
            li { (program.counterparty.name) " (" (lang.t("org.nr. ", "org. no. ")) (program.counterparty.org_number) ")" }
        }
        h2 { (lang.t("Signatarer", "Signers")) }
        table {
            thead { tr { th { "#" } th { (lang.t("Navn", "Name")) } th { "Status" } } }
            tbody {
                @for s in &e.signers {
                    tr {
                        td { (s.order) }
                        td { (s.name) @if let Some(t) = &s.title { br; span.muted { (t) } } }
                        td { (signer_status(lang, s.status)) }
                    }
                }
            }
        }
    }
}

/// The signing page itself.
pub fn sign_page(
    lang: Lang,
    token: &str,
    at: &Located,
    program: &Program,
    enrollment: &Enrollment,
    note: Option<&Notice>,
) -> Markup {
    let e = &at.envelope;
    let me = &e.signers[at.signer];
    let action = |suffix: &str| format!("/sign/{token}{suffix}{}", lang.query());
    let consent = match lang {
        Lang::Nb => format!(
            "Jeg, {}, har lest dokumentene over og signerer dem. Jeg forstår at signaturen er bindende, og at \
             tidspunkt, IP-adresse og nettleser registreres sammen med signaturen.",
            me.name
        ),
        Lang::En => format!(
            "I, {}, have read the documents above and sign them. I understand that my signature is binding, and that \
             the time, IP address and browser are recorded with it.",
            me.name
        ),
    };
    let body = html! {
        h1 { (e.title) }
        p { (lang.t("Til signering for ", "For signature by ")) strong { (me.name) } ". "
            (lang.t("Lenken gjelder til ", "The link is valid until ")) (time(e.expires_at)) "." }
        @if let Some(n) = note { (notice(n)) }
        (facts(lang, token, e, program, enrollment))
        h2 { (lang.t("1. Engangskode", "1. One-time code")) }
        p { (lang.t("Vi sender en sekssifret kode til e-postadressen din. Den gjelder i ti minutter.",
                    "We send a six-digit code to your e-mail address. It is valid for ten minutes.")) }
        form method="post" action=(action("/code")) {
            button.secondary type="submit" { (lang.t("Send meg en kode", "Send me a code")) }
        }
        h2 { (lang.t("2. Signer", "2. Sign")) }
        form method="post" action=(action("")) {
            label { input type="checkbox" name="consent" value="on" required; " " (consent) }
            label {
                (lang.t("Engangskode", "One-time code")) br;
                input type="text" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6"
                    autocomplete="one-time-code" required;
            }
            button type="submit" { (lang.t("Signer", "Sign")) }
        }
        h2 { (lang.t("Vil du ikke signere?", "Do not want to sign?")) }
        form method="post" action=(action("/decline")) {
            label { (lang.t("Begrunnelse", "Reason")) br; textarea name="reason" maxlength="2000" required {} }
            button.danger type="submit" { (lang.t("Avslå signering", "Decline to sign")) }
        }
        p.muted { "SHA-256 " (lang.t("er et fingeravtrykk av dokumentet: samme fingeravtrykk, samme bytes.",
                                    "is a fingerprint of the document: same fingerprint, same bytes.")) }
    };
    page(lang, e.title.as_str(), &format!("/sign/{token}"), body)
}

/// A page that only says something (refusals, thanks).
pub fn message(lang: Lang, token: &str, title: &str, text: &str, extra: Option<Markup>) -> Markup {
    let body = html! {
        h1 { (title) }
        p { (text) }
        @if let Some(extra) = extra { (extra) }
    };
    page(lang, title, &format!("/sign/{token}"), body)
}

/// Why a link that belongs to a signer cannot be used now, checked in the order a person would
/// want to hear it.
pub fn refusal(lang: Lang, at: &Located, now: DateTime<Utc>) -> (StatusCode, String, String) {
    let e = &at.envelope;
    let me = &e.signers[at.signer];
    let gone = StatusCode::GONE;
    let (status, title, text) = match (me.status, e.status) {
        (SignerStatus::Signed, _) => (
            gone,
            lang.t("Lenken er brukt", "This link has been used"),
            match me.signed_at {
                Some(t) => format!("{} {}.", lang.t("Du signerte", "You signed on"), time(t)),
                None => String::new(),
            },
        ),
        (_, EnvelopeStatus::Voided) => (
            gone,
            lang.t("Avtalen er trukket tilbake", "The agreement was withdrawn"),
            format!(
                "{} {}",
                lang.t(
                    "Plattformen har trukket dokumentet tilbake:",
                    "The platform withdrew the document:"
                ),
                e.end_reason.clone().unwrap_or_default()
            ),
        ),
        (_, EnvelopeStatus::Declined) => (
            gone,
            lang.t("Signeringen er avslått", "Signing was declined"),
            e.end_reason.clone().unwrap_or_default(),
        ),
        (_, EnvelopeStatus::Expired) => (
            gone,
            lang.t("Lenken er utløpt", "This link has expired"),
            expired(lang, e),
        ),
        (_, EnvelopeStatus::Sent) if now >= e.expires_at => (
            gone,
            lang.t("Lenken er utløpt", "This link has expired"),
            expired(lang, e),
        ),
        (_, EnvelopeStatus::Completed) => (
            gone,
            lang.t("Alle har signert", "Everyone has signed"),
            lang.t(
                "Dokumentet er allerede signert av alle.",
                "The document is already signed by all.",
            )
            .to_owned(),
        ),
        _ => (
            StatusCode::CONFLICT,
            lang.t("Det er ikke din tur ennå", "It is not your turn yet"),
            lang.t(
                "Andre skal signere før deg. Du får en ny e-post når det er din tur.",
                "Others sign before you. You will get an e-mail when it is your turn.",
            )
            .to_owned(),
        ),
    };
    (status, title.to_owned(), text)
}

fn expired(lang: Lang, e: &Envelope) -> String {
    format!(
        "{} {}. {}",
        lang.t("Lenken gjaldt til", "The link was valid until"),
        time(e.expires_at),
        lang.t("Be avsenderen om en ny.", "Ask the sender for a new one.")
    )
}

pub fn wrong_code(lang: Lang, tries_used: u32) -> Notice {
    let left = CODE_MAX_TRIES.saturating_sub(tries_used);
    if left == 0 {
        return Notice::new(
            Tone::Bad,
            lang.t(
                "Feil kode. Koden er nå ugyldig: be om en ny kode.",
                "Wrong code. The code is now void: ask for a new code.",
            ),
        );
    }
    Notice::new(
        Tone::Bad,
        format!(
            "{} {left}",
            lang.t("Feil kode. Forsøk igjen:", "Wrong code. Tries left:")
        ),
    )
}
