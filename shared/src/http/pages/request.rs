//! What a page needs to know about the request: the language, who is asking (IP address and
//! browser, recorded with a signature), and whether a form post comes from our own page.

use super::super::AppState;
use super::layout::Lang;
use axum::extract::{ConnectInfo, FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use serde::Deserialize;
use std::convert::Infallible;
use std::net::SocketAddr;

#[derive(Deserialize, Default)]
pub struct LangQuery {
    pub lang: Option<String>,
}

/// The page language from `?lang=`.
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let query = Query::<LangQuery>::from_request_parts(parts, state)
            .await
            .map(|q| q.0)
            .unwrap_or_default();
        Ok(PageLang(Lang::from_query(query.lang.as_deref())))
    }
}

/// The client as recorded in a signature.
pub struct Client {
    pub ip: String,
    pub user_agent: String,
    /// False when the browser says the post came from another site.
    pub same_origin: bool,
}

/// Longest user agent kept: enough to identify a browser, too short to stuff the history.
const USER_AGENT_MAX: usize = 256;

impl FromRequestParts<AppState> for Client {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let ip = if state.behind_proxy {
            forwarded_for(&parts.headers).or(peer)
        } else {
            peer
        };
        let user_agent: String = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .take(USER_AGENT_MAX)
            .collect();
        Ok(Client {
            ip: ip.unwrap_or_else(|| "unknown".into()),
            user_agent,
            same_origin: same_origin(&parts.headers),
        })
    }
}

/// Behind API Gateway the client's address is the last one in `X-Forwarded-For` (the gateway
/// appends what it saw; anything before it is what the client claimed).
fn forwarded_for(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("x-forwarded-for")?.to_str().ok()?;
    let last = value.rsplit(',').next()?.trim();
    last.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string())
}

/// A form post from another site is refused. The link's token already makes forging a post
/// impossible without it, so this is a second lock: browsers say where a post comes from in
/// `Sec-Fetch-Site`, older ones in `Origin`, which must then name the host we were asked as.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn posts_from_other_sites_are_told_apart_from_our_own() {
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(same_origin(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!same_origin(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "vedtak.example")
        ])));
        assert!(
            same_origin(&headers(&[("host", "vedtak.example")])),
            "no Origin: not a browser form from elsewhere"
        );
    }

    #[test]
    fn the_gateway_appended_address_is_the_one_trusted() {
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 203.0.113.7")]);
        assert_eq!(forwarded_for(&h).as_deref(), Some("203.0.113.7"));
        assert_eq!(forwarded_for(&headers(&[("x-forwarded-for", "junk")])), None);
    }
}
