//! Content-addressed documents.

use serde_json::Value;
use vedtak_tests::*;

#[tokio::test]
async fn a_document_is_stored_by_its_sha256_once() {
    let app = spawn_app().await;
    let upload = || {
        app.client
            .post(app.url("/v1/documents"))
            .bearer_auth(ADMIN)
            .header("content-type", "application/pdf")
            .body(b"%PDF tjenesteavtale".to_vec())
            .send()
    };
    let first = upload().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let expected = hex_sha256(b"%PDF tjenesteavtale");
    assert_eq!(first["sha256"], expected);
    assert_eq!(first["size"], 19);
    assert_eq!(first["content_type"], "application/pdf");
    let second: Value = upload().await.unwrap().json().await.unwrap();
    assert_eq!(first, second);
    let got = app.get(ADMIN, &format!("/v1/documents/{expected}")).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "application/pdf");
    assert_eq!(&got.bytes().await.unwrap()[..], b"%PDF tjenesteavtale");
}

#[tokio::test]
async fn a_five_mib_document_is_accepted_and_a_huge_one_is_413() {
    let app = spawn_app().await;
    let five = vec![7u8; 5 * 1024 * 1024];
    let r = app
        .client
        .post(app.url("/v1/documents"))
        .bearer_auth(ADMIN)
        .body(five.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let huge = vec![7u8; 30 * 1024 * 1024];
    let r = app
        .client
        .post(app.url("/v1/documents"))
        .bearer_auth(ADMIN)
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn unknown_or_malformed_document_names_are_404() {
    let app = spawn_app().await;
    assert_eq!(
        app.get(ADMIN, &format!("/v1/documents/{}", "a".repeat(64)))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get(ADMIN, "/v1/documents/..%2F..%2Fvedtak.redb").await.status(),
        404
    );
    assert_eq!(
        app.client
            .get(app.url(&format!("/v1/documents/{}", "a".repeat(64))))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

fn hex_sha256(bytes: &[u8]) -> String {
    vedtak::domain::Sha256Hex::of(bytes).to_string()
}
