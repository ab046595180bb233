//! Keys and roles: who may do what.

use serde_json::json;
use vedtak_tests::*;

async fn app() -> (TestApp, String) {
    spawn_program(
        "2021-03-01T12:00:00+01:00",
        &[("5027", "Midtre Gauldal"), ("5026", "Holtålen")],
    )
    .await
}

#[tokio::test]
async fn no_key_or_an_unknown_key_is_401() {
    let (app, _) = app().await;
    let r = app
        .client
        .get(app.url(&format!("/v1/programs/{PROGRAM}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    assert_eq!(
        app.get("vk_nothing_here", &format!("/v1/programs/{PROGRAM}"))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn a_municipality_admin_acts_on_its_own_municipality_only() {
    let (app, program_key) = app().await;
    let own = app
        .new_key(
            &program_key,
            json!({"role": "municipality_admin", "municipality": "5027"}),
        )
        .await;
    app.ok(&program_key, "5027", "notice", json!({})).await;
    app.ok(&program_key, "5026", "notice", json!({})).await;
    assert_eq!(
        app.command(&own, "5026", "meetings", meeting("2021-03-18"))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.get(&own, &format!("/v1/programs/{PROGRAM}/municipalities/5026"))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.ok(&own, "5027", "meetings", meeting("2021-03-18")).await["state"],
        "meeting_scheduled"
    );
    let list: serde_json::Value = app
        .get(&own, &format!("/v1/programs/{PROGRAM}/municipalities"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "sees only its own municipality"
    );
}

#[tokio::test]
async fn platform_steps_belong_to_the_program_admin() {
    let (app, program_key) = app().await;
    let own = app
        .new_key(
            &program_key,
            json!({"role": "municipality_admin", "municipality": "5027"}),
        )
        .await;
    assert_eq!(app.command(&own, "5027", "notice", json!({})).await.status(), 403);
    let r = app
        .post(
            &own,
            &format!("/v1/programs/{PROGRAM}/municipalities"),
            municipality_body("5025", "Røros"),
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = app
        .post(
            &own,
            &format!("/v1/programs/{PROGRAM}/keys"),
            json!({"role": "municipality_admin", "municipality": "5026"}),
        )
        .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn only_the_platform_admin_creates_programs_and_program_admin_keys() {
    let (app, program_key) = app().await;
    assert_eq!(
        app.post(&program_key, "/v1/programs", program_body("other", "2021-10-31"))
            .await
            .status(),
        403
    );
    let r = app
        .post(
            &program_key,
            &format!("/v1/programs/{PROGRAM}/keys"),
            json!({"role": "program_admin"}),
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        app.post(ADMIN, "/v1/programs", program_body("other", "2021-10-31"))
            .await
            .status(),
        201
    );
    assert_eq!(
        app.post(ADMIN, "/v1/programs", program_body("other", "2021-10-31"))
            .await
            .status(),
        409
    );
    assert_eq!(
        app.get(&program_key, "/v1/programs/other").await.status(),
        403,
        "a program admin of another program"
    );
}

#[tokio::test]
async fn a_key_is_shown_once_and_stored_only_as_a_hash() {
    let (app, program_key) = app().await;
    let secret = app
        .new_key(
            &program_key,
            json!({"role": "municipality_admin", "municipality": "5027"}),
        )
        .await;
    let data = app.stop().await;
    let needle = |hay: &[u8], n: &[u8]| hay.windows(n.len()).any(|w| w == n);
    let db = std::fs::read(data.path().join("vedtak.redb")).expect("the embedded store file");
    let hash = vedtak::auth::hash_key(&secret);
    assert!(needle(&db, hash.as_bytes()), "the key's hash is stored");
    assert!(!needle(&db, secret.as_bytes()), "the key itself is not");
    assert!(!needle(&db, program_key.as_bytes()));
}
