//! E-signing over HTTP only: the agreement is sent, the director and then the platform's CEO
//! sign through e-mailed links with one-time codes, and the sealed certificate proves it.

use reqwest::StatusCode;
use serde_json::{json, Value};
use vedtak::signing::seal::{verify, PublishedKeys, VerifyError};
use vedtak_tests::signing::*;
use vedtak_tests::*;

const START: &str = "2021-02-15T09:00:00+01:00";

on_both_backends! {

async fn the_director_then_the_ceo_sign_and_the_certificate_verifies(aws: bool) {
    let (app, key) = spawn_program_on(aws, START, &[]).await;
    exercised(&app, &key, "5027", "Midtre Gauldal").await;
    let sha = upload(&app, &key, DOCUMENT).await;
    let sent = send_agreement(&app, &key, "5027", "Tjenesteavtale Helseplattformen", &sha).await;
    assert_eq!(sent["state"], "agreement_sent");
    let id = sent["envelope_id"].as_str().expect("an envelope id").to_owned();

    let opened = envelope(&app, &key, &id).await;
    assert_eq!(opened["status"], "sent");
    assert_eq!(opened["document_sha256"], sha.as_str());
    assert_eq!(opened["signers"][0]["status"], "invited");
    assert_eq!(opened["signers"][1]["status"], "waiting", "the CEO's turn comes after the director's");
    assert!(opened["signers"][0].get("token_sha256").is_none(), "nothing secret is shown");

    let link = link_of(&app, &director("5027")).await;
    let (status, page) = get_page(&app, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Tjenesteavtale Helseplattformen") && page.contains(&sha), "{page}");
    let first = sign_as(&app, &director("5027")).await;
    assert!(first.contains("Takk, du har signert"), "{first}");
    assert_eq!(envelope(&app, &key, &id).await["signers"][1]["status"], "invited");

    let last = sign_as(&app, CEO).await;
    assert!(last.contains(&format!("/certificates/{id}")), "{last}");
    let done = envelope(&app, &key, &id).await;
    assert_eq!(done["status"], "completed");
    let enrollment: Value = app.get(&key, "/v1/programs/helseplattformen/municipalities/5027").await.json().await.unwrap();
    assert_eq!(enrollment["state"], "agreement_signed");

    let events = app.events(&key, "5027").await;
    let head = vedtak::chain::verify(&events).expect("the history is an unbroken chain");
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(&types[5..], ["agreement.sent", "signing.invited", "signing.code_requested", "signing.signed",
        "signing.invited", "signing.code_requested", "signing.signed", "agreement.signed"]);

    let certificate: Value = app.get(&key, &format!("/v1/envelopes/{id}/certificate")).await.json().await.unwrap();
    assert_eq!(certificate["chain_head"]["hash"], head.hash.as_str(), "sealed in the completing command");
    assert_eq!(certificate["signers"][0]["email"], director("5027").as_str());
    assert_eq!(certificate["signers"][1]["email"], CEO);
    assert_eq!(certificate["signers"][0]["ip"], "127.0.0.1");
    let keys: PublishedKeys = app.public_json("/.well-known/vedtak-keys.json").await;
    let verified = verify(&certificate, DOCUMENT, &keys).expect("the certificate verifies");
    assert_eq!(verified.signers.len(), 2);

    let mut flipped = DOCUMENT.to_vec();
    flipped[3] ^= 1;
    assert!(matches!(verify(&certificate, &flipped, &keys), Err(VerifyError::DocumentMismatch { .. })));
    let mut forged = certificate.clone();
    forged["signers"][0]["name"] = json!("Someone Else");
    assert!(matches!(verify(&forged, DOCUMENT, &keys), Err(VerifyError::BadSignature(_))));

    let (status, public) = get_page(&app, &format!("/certificates/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(public.contains("Direktør Midtre Gauldal") && public.contains(&sha), "{public}");
    assert!(!public.contains("@"), "no e-mail address on the public certificate page: {public}");
}

async fn a_voided_envelope_refuses_its_links_and_a_corrected_agreement_can_be_sent(aws: bool) {
    let (app, key) = spawn_program_on(aws, START, &[]).await;
    exercised(&app, &key, "5026", "Holtålen").await;
    let sha = upload(&app, &key, DOCUMENT).await;
    let id = send_agreement(&app, &key, "5026", "Tjenesteavtale", &sha).await["envelope_id"].as_str().unwrap().to_owned();
    let link = link_of(&app, &director("5026")).await;

    let voided = app.post(&key, &format!("/v1/envelopes/{id}/void"), json!({"reason": "Feil vedlegg"})).await;
    assert_eq!(voided.status(), StatusCode::OK);
    assert_eq!(voided.json::<Value>().await.unwrap()["status"], "voided");
    let (status, page) = get_page(&app, &link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("trukket tilbake") && page.contains("Feil vedlegg"), "{page}");
    let version = app.events(&key, "5026").await.len();
    let (status, _) = post_form(&app, &format!("{link}/code"), &[]).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(app.events(&key, "5026").await.len(), version, "a refused link changes nothing");

    let again = send_agreement(&app, &key, "5026", "Tjenesteavtale (rettet)", &sha).await;
    assert_eq!(again["state"], "agreement_sent");
    assert_ne!(again["envelope_id"], id.as_str());
}

}
