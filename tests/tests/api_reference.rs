//! The OpenAPI document is generated from the code and covers every route.

use serde_json::Value;
use vedtak_tests::*;

#[tokio::test]
async fn the_openapi_document_lists_every_command() {
    let app = spawn_app().await;
    let doc: Value = app.public_json("/v1/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for command in [
        "notice",
        "meetings",
        "decision",
        "exercise",
        "decline",
        "preferences",
        "golive",
        "live",
        "agreement",
    ] {
        assert!(
            paths.contains_key(&format!("/v1/programs/{{pid}}/municipalities/{{n}}/{command}")),
            "{command}"
        );
    }
    for path in [
        "/v1/programs",
        "/v1/programs/{pid}/keys",
        "/v1/documents",
        "/v1/documents/{sha256}",
        "/v1/clock",
        "/v1/programs/{pid}/municipalities/{n}/events",
        "/v1/envelopes/{id}",
        "/v1/envelopes/{id}/void",
        "/v1/envelopes/{id}/certificate",
        "/.well-known/vedtak-keys.json",
        "/v1/programs/{pid}/golive-plan",
        "/v1/programs/{pid}/golive-plan.svg",
    ] {
        assert!(paths.contains_key(path), "{path}");
    }
}

#[tokio::test]
async fn the_demo_program_tells_the_central_norway_story() {
    let app = spawn_with(Options {
        demo: true,
        ..Default::default()
    })
    .await;
    let list: Value = app
        .get(ADMIN, "/v1/programs/helseplattformen/municipalities")
        .await
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 11);
    let state = |n: &str| {
        items.iter().find(|e| e["number"] == n).unwrap()["state"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(state("5027"), "option_exercised");
    assert_eq!(state("5032"), "declined");
    assert_eq!(
        state("5014"),
        "lapsed",
        "Frøya never decided and the deadline has passed"
    );
    assert_eq!(
        state("5054"),
        "golive_scheduled",
        "Indre Fosen signed and planned go-live"
    );
    let indre_fosen = items.iter().find(|e| e["number"] == "5054").unwrap();
    let envelope_id = indre_fosen["envelope_id"].as_str().unwrap();
    let certificate: Value = app
        .get(ADMIN, &format!("/v1/envelopes/{envelope_id}/certificate"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(certificate["signers"][1]["name"], "Torbjørg Vanvik");
    let keys: vedtak::signing::seal::PublishedKeys = app.public_json("/.well-known/vedtak-keys.json").await;
    let document = app
        .get(
            ADMIN,
            &format!("/v1/documents/{}", certificate["document_sha256"].as_str().unwrap()),
        )
        .await;
    let document = document.bytes().await.unwrap();
    vedtak::signing::seal::verify(&certificate, &document, &keys).expect("the demo's certificate verifies");
    assert_eq!(
        state("1505"),
        "option_exercised",
        "Kristiansund's envelope, half signed in 2021, has long expired"
    );
    let midtre_gauldal = items.iter().find(|e| e["number"] == "5027").unwrap();
    assert_eq!(midtre_gauldal["decision"]["date"], "2021-02-18");
    assert_eq!(midtre_gauldal["decision"]["unanimous"], true);
    for item in items {
        let events = app.events(ADMIN, item["number"].as_str().unwrap()).await;
        vedtak::chain::verify(&events).expect("demo history is a real chain");
    }
}
