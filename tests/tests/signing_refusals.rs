//! Links that cannot be used: each is refused with a page that says why, and changes nothing.

use reqwest::StatusCode;
use serde_json::{json, Value};
use vedtak_tests::signing::*;
use vedtak_tests::*;

const START: &str = "2021-02-15T09:00:00+01:00";

/// An exercised municipality with an agreement sent; returns the app, key and envelope id.
async fn sent(number: &str, name: &str, title: &str) -> (TestApp, String, String) {
    let (app, key) = spawn_program(START, &[]).await;
    exercised(&app, &key, number, name).await;
    let sha = upload(&app, &key, DOCUMENT).await;
    let id = send_agreement(&app, &key, number, title, &sha).await["envelope_id"]
        .as_str()
        .unwrap()
        .to_owned();
    (app, key, id)
}

async fn history_len(app: &TestApp, key: &str, number: &str) -> usize {
    app.events(key, number).await.len()
}

#[tokio::test]
async fn a_used_link_is_refused_and_says_when_it_was_used() {
    let (app, key, _) = sent("5027", "Midtre Gauldal", "Tjenesteavtale").await;
    let link = link_of(&app, &director("5027")).await;
    sign_as(&app, &director("5027")).await;
    let before = history_len(&app, &key, "5027").await;
    let (status, page) = get_page(&app, &link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(
        page.contains("Lenken er brukt") && page.contains("Du signerte"),
        "{page}"
    );
    let (status, _) = post_form(&app, &link, &[("consent", "on"), ("code", "123456")]).await;
    assert_eq!(status, StatusCode::GONE);
    let (status, _) = post_form(&app, &format!("{link}/decline"), &[("reason", "too late")]).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(history_len(&app, &key, "5027").await, before);
}

#[tokio::test]
async fn five_wrong_codes_kill_the_code_and_every_try_is_recorded() {
    let (app, key, id) = sent("5026", "Holtålen", "Tjenesteavtale").await;
    let link = link_of(&app, &director("5026")).await;
    let right = request_code(&app, &director("5026"), &link).await;
    let wrong = if right == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let (status, page) = post_form(&app, &link, &[("consent", "on"), ("code", wrong)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let expected = if left == 0 {
            "Koden er nå ugyldig".to_owned()
        } else {
            format!("Forsøk igjen: {left}")
        };
        assert!(page.contains(&expected), "{left} left: {page}");
    }
    let (status, page) = post_form(&app, &link, &[("consent", "on"), ("code", &right)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "the right code is dead too");
    assert!(page.contains("be om en ny kode"), "{page}");
    let events = app.events(&key, "5026").await;
    let failed = events.iter().filter(|e| e["type"] == "signing.code_failed").count();
    assert_eq!(failed, 5, "every wrong try is in the history");
    assert_eq!(
        envelope(&app, &key, &id).await["signers"][0]["status"],
        "invited",
        "nobody signed"
    );

    app.set_clock("2021-02-18T20:01:00+01:00").await;
    let fresh = request_code(&app, &director("5026"), &link).await;
    let (status, page) = post_form(&app, &link, &[("consent", "on"), ("code", &fresh)]).await;
    assert_eq!(status, StatusCode::OK, "a new code works: {page}");
}

#[tokio::test]
async fn a_signer_whose_turn_has_not_come_is_told_to_wait() {
    let (app, key, id) = sent("5029", "Skaun", "Tjenesteavtale").await;
    // The CEO's link exists from the start but is e-mailed only after the director signs;
    // a link obtained early (here: derived with the server's key) must not work.
    let stored = app.engine.store.envelope(&id).await.unwrap().unwrap();
    let keys = app.engine.signing_keys().await.unwrap();
    let ceo = &stored.signers[1];
    let docs: Vec<_> = stored.documents.iter().map(|d| d.sha256.clone()).collect();
    let token = keys.link.token(&id, 1, ceo.email.as_str(), &docs, &ceo.link_nonce);
    let before = history_len(&app, &key, "5029").await;
    let (status, page) = get_page(&app, &format!("/sign/{token}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("ikke din tur"), "{page}");
    let (status, _) = post_form(&app, &format!("/sign/{token}/code"), &[]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(history_len(&app, &key, "5029").await, before);
    assert_eq!(mails_to(&app, CEO, 0).await.len(), 0, "no code went out");
}

#[tokio::test]
async fn an_expired_link_is_refused_and_the_sweep_expires_the_envelope() {
    let (app, key, id) = sent("5028", "Melhus", "Tjenesteavtale").await;
    let link = link_of(&app, &director("5028")).await;
    assert_eq!(
        app.set_clock("2021-03-21T20:00:00+01:00").await.status(),
        StatusCode::OK
    );
    let (status, page) = get_page(&app, &link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("utløpt"), "{page}");
    let env = envelope(&app, &key, &id).await;
    assert_eq!(env["status"], "expired");
    let enrollment: Value = app
        .get(&key, "/v1/programs/helseplattformen/municipalities/5028")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        enrollment["state"], "option_exercised",
        "a corrected agreement can be sent"
    );
    let reminders = mails_to(&app, &director("5028"), 1)
        .await
        .iter()
        .filter(|m| m.contains("Påminnelse"))
        .count();
    assert_eq!(
        reminders, 0,
        "only the latest work is done: the expiry, not reminders that are moot"
    );
}

#[tokio::test]
async fn a_waiting_signer_is_reminded_once_per_interval() {
    let (app, _, _) = sent("5030", "Oppdal", "Tjenesteavtale").await;
    app.set_clock("2021-02-21T21:00:00+01:00").await;
    app.set_clock("2021-02-21T21:00:01+01:00").await;
    let mails = mails_to(&app, &director("5030"), 2).await;
    assert_eq!(
        mails.iter().filter(|m| m.contains("Påminnelse")).count(),
        1,
        "{mails:?}"
    );
    assert_eq!(
        link_in(&mails[0]),
        link_in(mails.last().unwrap()),
        "the reminder carries the same link"
    );
}

#[tokio::test]
async fn a_declined_envelope_ends_and_the_enrollment_can_get_a_corrected_agreement() {
    let (app, key, id) = sent("5031", "Selbu", "Tjenesteavtale").await;
    let link = link_of(&app, &director("5031")).await;
    let (status, page) = post_form(&app, &format!("{link}/decline"), &[("reason", "Feil pris i punkt 4")]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let env = envelope(&app, &key, &id).await;
    assert_eq!(env["status"], "declined");
    assert_eq!(env["signers"][0]["declined_reason"], "Feil pris i punkt 4");
    let enrollment: Value = app
        .get(&key, "/v1/programs/helseplattformen/municipalities/5031")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(enrollment["state"], "option_exercised");
    let (status, page) = get_page(&app, &link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("avslått"), "{page}");
}

#[tokio::test]
async fn markup_in_names_and_titles_is_shown_as_text() {
    let (app, key) = spawn_program(START, &[]).await;
    let evil = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    exercised(&app, &key, "5032", evil).await;
    let sha = upload(&app, &key, DOCUMENT).await;
    let title = format!("Avtale {evil}");
    let id = send_agreement(&app, &key, "5032", &title, &sha).await["envelope_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let link = link_of(&app, &director("5032")).await;
    let (status, page) = get_page(&app, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script") && !page.contains("<img"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
    sign_as(&app, &director("5032")).await;
    sign_as(&app, CEO).await;
    let (_, certificate) = get_page(&app, &format!("/certificates/{id}")).await;
    assert!(
        !certificate.contains("<script") && certificate.contains("&lt;script&gt;"),
        "{certificate}"
    );
}

#[tokio::test]
async fn a_post_from_another_site_is_refused_and_pages_carry_their_protections() {
    let (app, key, _) = sent("5033", "Rennebu", "Tjenesteavtale").await;
    let link = link_of(&app, &director("5033")).await;
    let before = history_len(&app, &key, "5033").await;
    let response = app
        .client
        .post(app.url(&format!("{link}/code")))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(history_len(&app, &key, "5033").await, before);

    let response = app.client.get(app.url(&link)).send().await.unwrap();
    let headers = response.headers();
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-frame-options"], "DENY");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    let page = response.text().await.unwrap();
    assert!(!page.contains("<script"), "no scripts at all");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no external assets: {page}"
    );
}

#[tokio::test]
async fn an_unknown_or_mangled_link_says_it_is_not_valid() {
    let (app, _, id) = sent("5034", "Tydal", "Tjenesteavtale").await;
    let link = link_of(&app, &director("5034")).await;
    let mut mangled = link.clone();
    mangled.pop();
    mangled.push(if link.ends_with('A') { 'B' } else { 'A' });
    for path in [
        mangled,
        format!("/sign/{id}.x"),
        "/sign/..%2F..%2Fetc%2Fpasswd".to_owned(),
    ] {
        let (status, page) = get_page(&app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.contains("ikke gyldig"), "{page}");
    }
    let (status, page) = get_page(&app, &format!("{link}?lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Send me a code") && page.contains("lang=\"en\""),
        "English is available"
    );
}

#[tokio::test]
async fn only_program_admins_send_and_void_agreements() {
    let (app, key) = spawn_program(START, &[]).await;
    exercised(&app, &key, "5035", "Frøya").await;
    let municipal = app
        .new_key(&key, json!({"role": "municipality_admin", "municipality": "5035"}))
        .await;
    let sha = upload(&app, &key, DOCUMENT).await;
    let refused = app
        .command(
            &municipal,
            "5035",
            "agreement",
            json!({"title": "T", "document_sha256": sha}),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let unknown_doc = app
        .command(
            &key,
            "5035",
            "agreement",
            json!({"title": "T", "document_sha256": "ab".repeat(32)}),
        )
        .await;
    assert_eq!(unknown_doc.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let id = send_agreement(&app, &key, "5035", "T", &sha).await["envelope_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        envelope(&app, &municipal, &id).await["status"],
        "sent",
        "the municipality may read it"
    );
    let void = app
        .post(&municipal, &format!("/v1/envelopes/{id}/void"), json!({"reason": "x"}))
        .await;
    assert_eq!(void.status(), StatusCode::FORBIDDEN);
    let certificate = app.get(&key, &format!("/v1/envelopes/{id}/certificate")).await;
    assert_eq!(
        certificate.status(),
        StatusCode::NOT_FOUND,
        "no certificate before completion"
    );
}
