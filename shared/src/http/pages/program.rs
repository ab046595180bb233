//! The public page of a program: where every municipality stands, for anyone, without a key.
//! It shows what public bodies decide in public — states, decisions and votes, signed agreements
//! by their SHA-256 with the certificate, go-live dates — and no contact data: no names of
//! contacts or signers, no e-mail addresses.

use super::layout::{page, respond, Lang};
use super::request::PageLang;
use super::sign_view::time;
use crate::domain::{deadline, Enrollment, EnvelopeStatus, Program, ProgramId, State};
use crate::http::AppState;
use crate::planning;
use axum::extract::{Path, State as AxumState};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

/// End users a month the public timeline plans with; a program page can ask for another.
const TIMELINE_CAPACITY: u32 = 2_000;

fn state_name(lang: Lang, s: State) -> &'static str {
    use State::*;
    match s {
        OptionHeld => lang.t("Har opsjon", "Holds the option"),
        NoticeSent => lang.t("Varslet", "Notified"),
        MeetingScheduled => lang.t("Møte berammet", "Meeting scheduled"),
        Adopted => lang.t("Vedtatt", "Adopted"),
        Rejected => lang.t("Ikke vedtatt", "Rejected"),
        OptionExercised => lang.t("Opsjon utløst", "Option exercised"),
        AgreementSent => lang.t("Avtale til signering", "Agreement out for signing"),
        AgreementSigned => lang.t("Avtale signert", "Agreement signed"),
        GoliveScheduled => lang.t("Oppstart planlagt", "Go-live scheduled"),
        Live => lang.t("I drift", "Live"),
        Declined => lang.t("Takket nei", "Declined"),
        Lapsed => lang.t("Opsjonen falt bort", "Option lapsed"),
    }
}

fn body_name(lang: Lang, b: crate::domain::Body) -> &'static str {
    match b {
        crate::domain::Body::Kommunestyre => lang.t("Kommunestyret", "Municipal council"),
        crate::domain::Body::Formannskap => lang.t("Formannskapet", "Executive committee"),
    }
}

async fn load(state: &AppState, pid: &str) -> Option<(Program, Vec<Enrollment>)> {
    let id = ProgramId::parse(pid).ok()?;
    let program = state.engine.store.program(&id).await.ok()??;
    let enrollments = state.engine.store.enrollments(&id).await.ok()?;
    Some((program, enrollments))
}

pub async fn show(
    AxumState(state): AxumState<AppState>,
    PageLang(lang): PageLang,
    Path(pid): Path<String>,
) -> Response {
    let path = format!("/programs/{pid}");
    let Some((program, enrollments)) = load(&state, &pid).await else {
        let body = html! { h1 { (lang.t("Fant ikke programmet", "No such program")) } };
        return respond(
            StatusCode::NOT_FOUND,
            page(lang, lang.t("Fant ikke programmet", "No such program"), &path, body),
        );
    };
    let mut signed = Vec::with_capacity(enrollments.len());
    for e in &enrollments {
        signed.push(agreement_of(&state, e).await);
    }
    let body = view(lang, &state, &program, &enrollments, &signed);
    respond(StatusCode::OK, page(lang, program.name.as_str(), &path, body))
}

/// The signed agreement of an enrollment, if any: (envelope id, document SHA-256, signed at).
async fn agreement_of(state: &AppState, e: &Enrollment) -> Option<(String, String, String)> {
    let id = e.envelope_id.as_deref()?;
    let envelope = state.engine.store.envelope(id).await.ok()??;
    (envelope.status == EnvelopeStatus::Completed).then(|| {
        let at = envelope.ended_at.map(time).unwrap_or_default();
        (envelope.id.clone(), envelope.document_sha256().to_string(), at)
    })
}

fn countdown(lang: Lang, program: &Program, now: chrono::DateTime<chrono::Utc>) -> String {
    let deadline_instant = program.deadline_instant();
    if deadline::has_passed(deadline_instant, now) {
        return lang.t("Fristen er ute.", "The deadline has passed.").to_owned();
    }
    let today = deadline::today_in(program.tz(), now);
    let days = (program.option_deadline - today).num_days();
    match (lang, days) {
        (Lang::Nb, 0) => "Fristen går ut i dag.".into(),
        (Lang::En, 0) => "The deadline is today.".into(),
        (Lang::Nb, 1) => "1 dag igjen.".into(),
        (Lang::En, 1) => "1 day left.".into(),
        (Lang::Nb, d) => format!("{d} dager igjen."),
        (Lang::En, d) => format!("{d} days left."),
    }
}

fn view(
    lang: Lang,
    state: &AppState,
    program: &Program,
    list: &[Enrollment],
    signed: &[Option<(String, String, String)>],
) -> Markup {
    let now = state.engine.now();
    let pid = program.id.as_str();
    html! {
        h1 { (program.name) }
        p { (lang.t("Motpart: ", "Counterparty: ")) (program.counterparty.name) " (" (program.counterparty.org_number) "). "
            (lang.t("Opsjonsfrist: ", "Option deadline: ")) strong { (program.option_deadline.format("%d.%m.%Y")) } ". "
            (countdown(lang, program, now)) }
        h2 { (lang.t("Hvor langt har kommunene kommet?", "Where the municipalities stand")) }
        table.funnel {
            caption.muted { (lang.t("Antall kommuner i hver fase", "Municipalities at each stage")) }
            tbody {
                @for s in State::ALL {
                    @let n = list.iter().filter(|e| e.state == s).count();
                    tr { th scope="row" { (state_name(lang, s)) } td { (n) } td { meter min="0" max=(list.len().max(1)) value=(n) { (n) } } }
                }
            }
        }
        h2 { (lang.t("Kommunene", "The municipalities")) }
        table {
            caption.muted { (lang.t("Status, politisk vedtak, avtale og oppstart for hver kommune", "State, political decision, agreement and go-live of each municipality")) }
            thead { tr {
                th scope="col" { (lang.t("Kommune", "Municipality")) }
                th scope="col" { "Status" }
                th scope="col" { (lang.t("Vedtak", "Decision")) }
                th scope="col" { (lang.t("Avtale", "Agreement")) }
                th scope="col" { (lang.t("Oppstart", "Go-live")) }
            } }
            tbody {
                @for (e, agreement) in list.iter().zip(signed) {
                    tr {
                        th scope="row" { (e.name) br; span.muted { (e.number) } }
                        td { (state_name(lang, e.state)) }
                        td {
                            @if let Some(d) = &e.decision {
                                (body_name(lang, d.body)) ", " (d.date.format("%d.%m.%Y")) br;
                                span.muted { (d.votes_for) " " (lang.t("for", "for")) ", " (d.votes_against) " " (lang.t("mot", "against"))
                                    @if d.unanimous { " – " (lang.t("enstemmig", "unanimous")) } }
                            } @else { span.muted { "–" } }
                        }
                        td {
                            @if let Some((id, sha, at)) = agreement {
                                (lang.t("Signert ", "Signed ")) (at) br;
                                a href=(format!("/certificates/{id}{}", lang.query())) { code.hash { (&sha[..16]) "…" } }
                            } @else { span.muted { "–" } }
                        }
                        td { @if let Some(d) = e.golive_date { (d.format("%d.%m.%Y")) } @else { span.muted { "–" } } }
                    }
                }
            }
        }
        h2 { (lang.t("Tidslinje for oppstart", "Go-live timeline")) }
        p.muted { (lang.t("Forslag til bølger med inntil ", "Proposed waves of up to ")) (TIMELINE_CAPACITY)
            (lang.t(" sluttbrukere i måneden.", " end users a month.")) }
        img src=(format!("/programs/{pid}/timeline.svg")) alt=(lang.t("Tidslinje for oppstart per måned", "Go-live timeline by month")) width="100%";
    }
}

/// The timeline picture of the public page: the go-live plan at the public capacity.
pub async fn timeline(AxumState(state): AxumState<AppState>, Path(pid): Path<String>) -> Response {
    let Some((program, enrollments)) = load(&state, &pid).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let made_in = planning::month_of(state.engine.now(), program.tz());
    let plan = planning::plan(&enrollments, TIMELINE_CAPACITY, made_in);
    let svg = crate::planning_svg::render(&plan, program.name.as_str());
    let mut response = svg.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}
