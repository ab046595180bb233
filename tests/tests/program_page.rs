//! The public program page: every municipality with its state, decision, agreement and go-live,
//! no contact data, all text escaped, and it renders in headless Chromium.

use reqwest::StatusCode;
use serde_json::json;
use vedtak_tests::browser::Browser;
use vedtak_tests::signing::*;
use vedtak_tests::*;

#[tokio::test]
async fn the_public_page_lists_every_municipality_without_contact_data_and_escapes_text() {
    let (app, key) = spawn_program("2021-02-15T09:00:00+01:00", &[("5029", "Skaun")]).await;
    exercised(&app, &key, "5027", "Midtre Gauldal").await;
    app.enroll(&key, "5026", "Holtålen <script>alert(1)</script>").await;
    let sha = upload(&app, &key, DOCUMENT).await;
    let id = send_agreement(&app, &key, "5027", "Tjenesteavtale", &sha).await["envelope_id"]
        .as_str()
        .unwrap()
        .to_owned();
    sign_as(&app, &director("5027")).await;
    sign_as(&app, CEO).await;
    app.ok(&key, "5027", "golive", json!({"date": "2022-11-12", "end_users": 400}))
        .await;

    // No key: the page is public.
    let response = app
        .client
        .get(app.url("/programs/helseplattformen"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    for name in ["Skaun", "Midtre Gauldal", "Holtålen"] {
        assert!(page.contains(name), "{name} is listed");
    }
    assert!(
        page.contains("Oppstart planlagt") && page.contains("12.11.2022"),
        "{page}"
    );
    assert!(
        page.contains("Kommunestyret, 18.02.2021") && page.contains("enstemmig"),
        "the decision and its vote"
    );
    assert!(
        page.contains(&format!("/certificates/{id}")) && page.contains(&sha[..16]),
        "the signed agreement"
    );
    assert!(!page.contains('@'), "no e-mail addresses: {page}");
    assert!(
        !page.contains("Kontakt") && !page.contains("Direktør"),
        "no contacts or signers by name"
    );
    assert!(
        !page.contains("<script") && page.contains("&lt;script&gt;"),
        "text is escaped"
    );
    assert!(
        page.contains("<caption") && page.contains("scope=\"col\""),
        "a semantic table"
    );

    let svg = app
        .client
        .get(app.url("/programs/helseplattformen/timeline.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().starts_with("<svg"));

    let browser = Browser::start_desktop(1100, 1400).await;
    browser.goto(&app.url("/programs/helseplattformen")).await;
    let shown = browser.text().await;
    assert!(
        shown.contains("Midtre Gauldal") && shown.contains("<script>alert(1)</script>"),
        "shown as text: {shown}"
    );
    browser.screenshot("program-page").await;
    browser.goto(&app.url("/programs/helseplattformen?lang=en")).await;
    assert!(browser.text().await.contains("Where the municipalities stand"));
    browser.close().await;

    let missing = app.client.get(app.url("/programs/nope")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
