//! Documents are stored once by content, but read per program: a key of another program that
//! knows a document's SHA-256 (every certificate shows it) can neither download it nor put it
//! in an agreement of its own, which would hand it out through signing links.

use serde_json::{json, Value};
use vedtak_tests::signing::*;
use vedtak_tests::*;

const OTHER: &str = "annet-program";

async fn other_program_key(app: &TestApp) -> String {
    let r = app.post(ADMIN, "/v1/programs", program_body(OTHER, "2021-10-31")).await;
    assert_eq!(r.status(), 201);
    let r = app
        .post(
            ADMIN,
            &format!("/v1/programs/{OTHER}/keys"),
            json!({"role": "program_admin"}),
        )
        .await;
    r.json::<Value>().await.unwrap()["key"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn another_programs_key_cannot_read_or_reuse_a_document_it_knows_the_hash_of() {
    let (app, key) = spawn_program("2021-02-18T12:00:00+01:00", &[]).await;
    let sha = upload(&app, &key, DOCUMENT).await;
    let path = format!("/v1/documents/{sha}");
    assert_eq!(
        app.get(&key, &path).await.status(),
        200,
        "the uploader's program reads it"
    );
    assert_eq!(app.get(ADMIN, &path).await.status(), 200, "the platform admin reads it");
    app.enroll(&key, "5027", "Midtre Gauldal").await;
    let municipal = app
        .new_key(&key, json!({"role": "municipality_admin", "municipality": "5027"}))
        .await;
    assert_eq!(
        app.get(&municipal, &path).await.status(),
        200,
        "so does the program's municipality admin"
    );

    let stranger = other_program_key(&app).await;
    let r = app.get(&stranger, &path).await;
    expect_problem(r, 404, "not-found").await;

    // Its own enrollment, exercised, cannot be sent an agreement with the foreign document.
    let enroll = app
        .post(
            &stranger,
            &format!("/v1/programs/{OTHER}/municipalities"),
            municipality_body("5027", "Midtre Gauldal"),
        )
        .await;
    assert_eq!(enroll.status(), 201);
    let base = format!("/v1/programs/{OTHER}/municipalities/5027");
    for (command, body) in [
        ("notice", json!({})),
        ("meetings", meeting("2021-02-18")),
        ("decision", adopted_vote("2021-02-18")),
        ("exercise", json!({})),
    ] {
        assert_eq!(
            app.post(&stranger, &format!("{base}/{command}"), body).await.status(),
            200,
            "{command}"
        );
    }
    let agreement = json!({"title": "Tjenesteavtale", "document_sha256": sha});
    let r = app
        .post(&stranger, &format!("{base}/agreement"), agreement.clone())
        .await;
    expect_problem(r, 422, "invalid-value").await;

    // Once that program uploads the same bytes itself, both are its to use.
    let again = upload(&app, &stranger, DOCUMENT).await;
    assert_eq!(again, sha, "the same bytes are the same document");
    assert_eq!(app.get(&stranger, &path).await.status(), 200);
    assert_eq!(
        app.post(&stranger, &format!("{base}/agreement"), agreement)
            .await
            .status(),
        200
    );
}
