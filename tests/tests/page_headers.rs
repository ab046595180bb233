//! Every page a person opens carries the same protections: a content security policy with no
//! scripts at all and no framing, no referrer, no MIME sniffing — also on its error pages.

use reqwest::header::HeaderMap;
use vedtak_tests::*;

fn assert_protected(path: &str, headers: &HeaderMap) {
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    let csp = header("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP"));
    assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert!(!csp.contains("script-src"), "{path}: scripts allowed: {csp}");
    assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"), "{path}");
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
}

#[tokio::test]
async fn every_page_forbids_scripts_framing_and_referrers() {
    let app = spawn_with(Options {
        demo: true,
        ..Default::default()
    })
    .await;
    let program = app
        .client
        .get(app.url("/programs/helseplattformen"))
        .send()
        .await
        .unwrap();
    assert_eq!(program.status(), 200);
    assert_protected("/programs/helseplattformen", program.headers());
    let html = program.text().await.unwrap();
    assert!(!html.contains("<script"));
    let start = html
        .find("/certificates/")
        .expect("the demo's signed agreement links its certificate");
    let certificate = html[start..].split('"').next().unwrap().to_owned();
    let pages = [
        certificate.as_str(),
        "/programs/helseplattformen/timeline.svg",
        "/programs/no-such-program",
        "/certificates/env_000000000000000000000000",
        "/sign/env_000000000000000000000000.not-a-token",
    ];
    for path in pages {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_protected(path, response.headers());
        let body = response.text().await.unwrap();
        assert!(!body.contains("<script"), "{path}");
    }
}
