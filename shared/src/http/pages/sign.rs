//! The signing link's handlers. Every answer is a page; a link that cannot be used shows why
//! and changes nothing. State changes go through the engine like every other command.

use super::layout::{respond, Lang};
use super::request::{Client, PageLang};
use super::sign_view::{message, refusal, sign_page, time, wrong_code, Notice, Tone};
use crate::domain::{DomainError, Enrollment, Program, Sha256Hex, SignerStatus, Text};
use crate::http::AppState;
use crate::service::{Answer, LinkCheck, Located, ServiceError, SignerAct};
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SignForm {
    consent: Option<String>,
    code: Option<String>,
}

#[derive(Deserialize)]
pub struct DeclineForm {
    reason: Option<String>,
}

/// Either a usable link, or the page that says why not.
async fn usable(state: &AppState, lang: Lang, token: &str) -> Result<Located, Response> {
    match state.engine.check_link(token).await {
        Ok(LinkCheck::Usable(at)) => Ok(at),
        Ok(LinkCheck::Refused(at)) => {
            let (status, title, text) = refusal(lang, &at, state.engine.now());
            Err(respond(status, message(lang, token, &title, &text, None)))
        }
        Ok(LinkCheck::Unknown) => Err(unknown(lang, token)),
        Err(e) => Err(unavailable(lang, token, &e)),
    }
}

/// A form post on a link: from our own page, on a usable link; otherwise the page that says why.
async fn usable_post(state: &AppState, lang: Lang, client: &Client, token: &str) -> Result<Located, Response> {
    if !client.same_origin {
        return Err(cross_site(lang, token));
    }
    usable(state, lang, token).await
}

fn unknown(lang: Lang, token: &str) -> Response {
    let text = lang.t(
        "Lenken finnes ikke. Kontroller at hele lenken fra e-posten er med.",
        "This link does not exist. Check that the whole link from the e-mail was used.",
    );
    let title = lang.t("Lenken er ikke gyldig", "This link is not valid");
    respond(StatusCode::NOT_FOUND, message(lang, token, title, text, None))
}

fn unavailable(lang: Lang, token: &str, e: &ServiceError) -> Response {
    tracing::error!(error = %e, "signing page failed");
    let title = lang.t("Tjenesten er utilgjengelig", "The service is unavailable");
    let text = lang.t(
        "Ingenting ble endret. Prøv igjen om litt.",
        "Nothing was changed. Try again in a moment.",
    );
    respond(StatusCode::SERVICE_UNAVAILABLE, message(lang, token, title, text, None))
}

fn cross_site(lang: Lang, token: &str) -> Response {
    let title = lang.t("Skjemaet kom fra en annen side", "The form came from another site");
    let text = lang.t(
        "Åpne lenken fra e-posten og prøv igjen.",
        "Open the link from the e-mail and try again.",
    );
    respond(StatusCode::FORBIDDEN, message(lang, token, title, text, None))
}

async fn parties(state: &AppState, at: &Located) -> Result<(Program, Enrollment), ServiceError> {
    let e = &at.envelope;
    let program = state.engine.store.program(&e.program).await?;
    let program = program.ok_or_else(|| ServiceError::NotFound(format!("program {}", e.program)))?;
    Ok((program, state.engine.load(&e.program, &e.number).await?))
}

/// The signing page with an optional notice, at `status`.
async fn page_with(
    state: &AppState,
    lang: Lang,
    token: &str,
    at: &Located,
    status: StatusCode,
    note: Option<Notice>,
) -> Response {
    match parties(state, at).await {
        Ok((program, enrollment)) => respond(status, sign_page(lang, token, at, &program, &enrollment, note.as_ref())),
        Err(e) => unavailable(lang, token, &e),
    }
}

pub async fn show(State(state): State<AppState>, PageLang(lang): PageLang, Path(token): Path<String>) -> Response {
    match usable(&state, lang, &token).await {
        Ok(at) => page_with(&state, lang, &token, &at, StatusCode::OK, None).await,
        Err(page) => page,
    }
}

/// A refusal the rules gave while acting: shown on the signing page where the signer can go on
/// (a code asked too soon), or as the page that says the link is done with.
async fn refused(state: &AppState, lang: Lang, token: &str, at: &Located, e: ServiceError) -> Response {
    let note = |text: &str| Some(Notice::new(Tone::Bad, text));
    match e {
        ServiceError::Domain(DomainError::CodeTooSoon { ready_at }) => {
            let text = format!(
                "{} {}.",
                lang.t(
                    "En kode ble nettopp sendt. Ny kode kan sendes fra",
                    "A code was just sent. A new one can be sent from"
                ),
                time(ready_at)
            );
            page_with(
                state,
                lang,
                token,
                at,
                StatusCode::TOO_MANY_REQUESTS,
                Some(Notice::new(Tone::Bad, text)),
            )
            .await
        }
        ServiceError::Domain(DomainError::TooManyCodes) => {
            let text = lang.t(
                "For mange koder er bedt om. Kontakt avsenderen.",
                "Too many codes were asked for. Contact the sender.",
            );
            page_with(state, lang, token, at, StatusCode::TOO_MANY_REQUESTS, note(text)).await
        }
        ServiceError::Domain(DomainError::NoLiveCode { .. }) => {
            let text = lang.t(
                "Ingen gyldig kode: be om en ny kode først.",
                "No valid code: ask for a new code first.",
            );
            page_with(state, lang, token, at, StatusCode::CONFLICT, note(text)).await
        }
        // Anything else means the link stopped being usable meanwhile: say why, as on opening it.
        ServiceError::Domain(_) => match usable(state, lang, token).await {
            Err(page) => page,
            Ok(at) => page_with(state, lang, token, &at, StatusCode::CONFLICT, None).await,
        },
        other => unavailable(lang, token, &other),
    }
}

pub async fn request_code(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    Path(token): Path<String>,
) -> Response {
    let at = match usable_post(&state, lang, &client, &token).await {
        Ok(at) => at,
        Err(page) => return page,
    };
    match state.engine.signer_acts(&token, &at, SignerAct::RequestCode).await {
        Ok((_, Some(envelope))) => {
            let at = Located {
                envelope,
                signer: at.signer,
            };
            let me = &at.envelope.signers[at.signer];
            let until = me.code.as_ref().map(|c| time(c.expires_at)).unwrap_or_default();
            let text = format!(
                "{} {} ({} {until}).",
                lang.t("Koden er sendt til", "The code was sent to"),
                me.email,
                lang.t("gyldig til", "valid until")
            );
            page_with(
                &state,
                lang,
                &token,
                &at,
                StatusCode::OK,
                Some(Notice::new(Tone::Good, text)),
            )
            .await
        }
        Ok((_, None)) => page_with(&state, lang, &token, &at, StatusCode::OK, None).await,
        Err(e) => refused(&state, lang, &token, &at, e).await,
    }
}

pub async fn sign(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    Path(token): Path<String>,
    form: Result<Form<SignForm>, FormRejection>,
) -> Response {
    let at = match usable_post(&state, lang, &client, &token).await {
        Ok(at) => at,
        Err(page) => return page,
    };
    let bad = |text: &str| Some(Notice::new(Tone::Bad, text));
    let Ok(Form(form)) = form else {
        return page_with(
            &state,
            lang,
            &token,
            &at,
            StatusCode::BAD_REQUEST,
            bad(lang.t("Skjemaet kunne ikke leses.", "The form could not be read.")),
        )
        .await;
    };
    if form.consent.as_deref() != Some("on") {
        let text = lang.t(
            "Kryss av for at du har lest og signerer.",
            "Tick the box to confirm that you have read and sign.",
        );
        return page_with(&state, lang, &token, &at, StatusCode::UNPROCESSABLE_ENTITY, bad(text)).await;
    }
    let code = form.code.unwrap_or_default().trim().to_owned();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        let text = lang.t("Koden er seks sifre.", "The code is six digits.");
        return page_with(&state, lang, &token, &at, StatusCode::UNPROCESSABLE_ENTITY, bad(text)).await;
    }
    let act = SignerAct::Sign {
        code,
        ip: client.ip,
        user_agent: client.user_agent,
    };
    match state.engine.signer_acts(&token, &at, act).await {
        Ok((_, Some(envelope))) => {
            let me = &envelope.signers[at.signer];
            if me.status == SignerStatus::Signed {
                return signed(lang, &token, &envelope);
            }
            let tries = me.code.as_ref().map_or(0, |c| c.wrong_tries);
            let at = Located {
                envelope,
                signer: at.signer,
            };
            page_with(
                &state,
                lang,
                &token,
                &at,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(wrong_code(lang, tries)),
            )
            .await
        }
        Ok((Answer::Done(_) | Answer::Replayed { .. }, None)) => {
            page_with(&state, lang, &token, &at, StatusCode::OK, None).await
        }
        Err(e) => refused(&state, lang, &token, &at, e).await,
    }
}

fn signed(lang: Lang, token: &str, envelope: &crate::domain::Envelope) -> Response {
    let completed = envelope.status == crate::domain::EnvelopeStatus::Completed;
    let extra = html! {
        @if completed {
            p { (lang.t("Alle parter har signert. ", "All parties have signed. "))
                a href=(format!("/certificates/{}{}", envelope.id, lang.query())) { (lang.t("Se signaturbeviset", "See the certificate")) } }
        } @else {
            p { (lang.t("Neste signatar får nå en e-post.", "The next signer now gets an e-mail.")) }
        }
    };
    let text = format!(
        "{} – {}",
        envelope.title,
        lang.t("signaturen er registrert.", "your signature is recorded.")
    );
    respond(
        StatusCode::OK,
        message(
            lang,
            token,
            lang.t("Takk, du har signert", "Thank you, you have signed"),
            &text,
            Some(extra),
        ),
    )
}

pub async fn decline(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    Path(token): Path<String>,
    form: Result<Form<DeclineForm>, FormRejection>,
) -> Response {
    let at = match usable_post(&state, lang, &client, &token).await {
        Ok(at) => at,
        Err(page) => return page,
    };
    let reason = form
        .ok()
        .and_then(|Form(f)| f.reason)
        .and_then(|r| Text::parse_long(r.trim()).ok());
    let Some(reason) = reason else {
        let text = lang.t("Skriv en kort begrunnelse.", "Write a short reason.");
        return page_with(
            &state,
            lang,
            &token,
            &at,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(Notice::new(Tone::Bad, text)),
        )
        .await;
    };
    match state
        .engine
        .signer_acts(&token, &at, SignerAct::Decline { reason })
        .await
    {
        Ok(_) => {
            let title = lang.t("Du har avslått", "You have declined");
            let text = lang.t(
                "Avsenderen er varslet og kan sende en rettet avtale.",
                "The sender is told and can send a corrected agreement.",
            );
            respond(StatusCode::OK, message(lang, &token, title, text, None))
        }
        Err(e) => refused(&state, lang, &token, &at, e).await,
    }
}

/// A document of the envelope, for the signer to read before signing.
pub async fn document(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Path((token, sha)): Path<(String, String)>,
) -> Response {
    let at = match usable(&state, lang, &token).await {
        Ok(at) => at,
        Err(page) => return page,
    };
    let sha = Sha256Hex::parse(&sha)
        .ok()
        .filter(|s| at.envelope.documents.iter().any(|d| &d.sha256 == s));
    let Some(sha) = sha else {
        let title = lang.t(
            "Dokumentet hører ikke til denne avtalen",
            "The document is not part of this agreement",
        );
        return respond(StatusCode::NOT_FOUND, message(lang, &token, title, "", None));
    };
    match state.documents.get(&sha).await {
        Ok(Some((meta, bytes))) => {
            let disposition = format!("inline; filename=\"{sha}\"");
            (
                [
                    (header::CONTENT_TYPE, meta.content_type),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Ok(None) => respond(
            StatusCode::NOT_FOUND,
            message(
                lang,
                &token,
                lang.t("Dokumentet finnes ikke", "The document is missing"),
                "",
                None,
            ),
        ),
        Err(e) => unavailable(lang, &token, &ServiceError::Signing(e.to_string())),
    }
}
