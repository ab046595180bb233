//! The frame of every page: one stylesheet of our own, no scripts, no external assets, readable
//! on a phone, and the language switch. maud escapes every value that is not marked raw.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

/// Norwegian bokmål first: the signers are Norwegian public bodies; English for their partners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nb,
    En,
}

impl Lang {
    pub fn from_query(lang: Option<&str>) -> Lang {
        match lang {
            Some("en") => Lang::En,
            _ => Lang::Nb,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }

    /// The text in this language.
    pub fn t<'a>(self, nb: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nb => nb,
            Lang::En => en,
        }
    }

    /// `?lang=en` for English, nothing for the default, to keep URLs as they were.
    pub fn query(self) -> &'static str {
        match self {
            Lang::Nb => "",
            Lang::En => "?lang=en",
        }
    }
}

pub const STYLESHEET_PATH: &str = "/assets/vedtak.css";

pub const STYLESHEET: &str = r#"
:root { color-scheme: light; --ink: #1b1f23; --muted: #4a5560; --line: #c9d1d9; --accent: #0b5394; --bad: #9b1c1c; --good: #1d6b35; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
header.site { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 1px solid var(--line); margin-bottom: 1rem; }
header.site a { color: var(--accent); }
h1 { font-size: 1.5rem; line-height: 1.25; }
h2 { font-size: 1.15rem; margin-top: 1.75rem; }
code, .hash { font-family: "DejaVu Sans Mono", monospace; font-size: .85rem; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.notice { padding: .75rem 1rem; border-left: 4px solid var(--accent); background: #eef4fb; margin: 1rem 0; }
.notice.bad { border-color: var(--bad); background: #fbeeee; }
.notice.good { border-color: var(--good); background: #edf7f0; }
form { margin: 1rem 0; }
label { display: block; margin: .5rem 0; }
input[type=text], input[inputmode=numeric], textarea { font: inherit; width: 100%; max-width: 20rem; padding: .5rem; border: 1px solid var(--muted); border-radius: 4px; }
textarea { max-width: 100%; min-height: 4rem; }
button { font: inherit; padding: .6rem 1.2rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
.muted { color: var(--muted); font-size: .9rem; }
@media print { header.site nav, form, .no-print { display: none; } main { max-width: none; } }
"#;

/// A whole page.
pub fn page(lang: Lang, title: &str, switch_to: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " – vedtak" }
                link rel="stylesheet" href=(STYLESHEET_PATH);
            }
            body {
                main {
                    header.site {
                        strong { "vedtak" }
                        nav {
                            @match lang {
                                Lang::Nb => a href=(format!("{switch_to}?lang=en")) hreflang="en" lang="en" { "English" },
                                Lang::En => a href=(switch_to) hreflang="nb" lang="nb" { "Norsk" },
                            }
                        }
                    }
                    (content)
                }
            }
        }
    }
}

/// A page as a response with its status.
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

pub async fn stylesheet() -> Response {
    let mut response = STYLESHEET.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}
