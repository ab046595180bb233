//! A signer in a real browser (headless Chromium, phone-sized): opens the e-mailed link, asks
//! for a code, reads it from their mailbox, ticks consent, types the code and signs. Screenshots
//! of the pages are kept in target/test-artifacts.

use serde_json::Value;
use vedtak_tests::browser::Browser;
use vedtak_tests::signing::*;
use vedtak_tests::*;

#[tokio::test]
async fn a_director_signs_in_headless_chromium_with_a_code_from_the_mailbox() {
    let (app, key) = spawn_program("2021-02-15T09:00:00+01:00", &[]).await;
    exercised(&app, &key, "5026", "Holtålen").await;
    let sha = upload(&app, &key, DOCUMENT).await;
    let sent = send_agreement(&app, &key, "5026", "Tjenesteavtale Helseplattformen", &sha).await;
    let id = sent["envelope_id"].as_str().unwrap().to_owned();
    let link = link_of(&app, &director("5026")).await;

    let browser = Browser::start().await;
    browser.goto(&app.url(&link)).await;
    let page = browser.text().await;
    assert!(page.contains("Tjenesteavtale Helseplattformen"), "{page}");
    assert!(page.contains(&sha), "the document's SHA-256 is shown");
    assert!(
        page.contains("Holtålen kommune (5026)") && page.contains("Helseplattformen AS"),
        "the parties: {page}"
    );
    browser.screenshot("signing-page").await;

    browser.click_button("Send meg en kode").await;
    assert!(
        browser.text().await.contains("Koden er sendt til"),
        "{}",
        browser.text().await
    );
    let mails = mails_to(&app, &director("5026"), 2).await;
    let code = code_in(mails.last().unwrap());

    browser.check("consent").await;
    browser.fill("code", &code).await;
    browser.screenshot("signing-code-entered").await;
    browser.click_button("Signer").await;
    let done = browser.text().await;
    assert!(done.contains("Takk, du har signert"), "{done}");
    browser.screenshot("signing-signed").await;

    let envelope: Value = app
        .get(&key, &format!("/v1/envelopes/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(envelope["signers"][0]["status"], "signed");
    assert_eq!(envelope["signers"][1]["status"], "invited", "the CEO's link went out");
    let events = app.events(&key, "5026").await;
    let signed = events.iter().find(|e| e["type"] == "signing.signed").unwrap();
    assert!(
        signed["data"]["user_agent"].as_str().unwrap().contains("Chrome"),
        "{signed}"
    );
    assert_eq!(signed["data"]["ip"], "127.0.0.1");

    // The link is spent: opening it again in the browser says so.
    browser.goto(&app.url(&link)).await;
    assert!(browser.text().await.contains("Lenken er brukt"));

    sign_as(&app, CEO).await;
    browser.goto(&app.url(&format!("/certificates/{id}"))).await;
    let certificate = browser.text().await;
    assert!(
        certificate.contains("Signaturbevis") && certificate.contains(&sha),
        "{certificate}"
    );
    browser.screenshot("certificate-page").await;
    browser.close().await;
}
