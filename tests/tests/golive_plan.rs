//! Go-live planning over HTTP: municipalities that exercised the option, with their wished
//! months and end users, planned into months of limited capacity, as JSON and as a picture.

use reqwest::StatusCode;
use serde_json::{json, Value};
use vedtak_tests::browser::Browser;
use vedtak_tests::signing::exercised;
use vedtak_tests::*;

const START: &str = "2021-02-15T09:00:00+01:00";
const PLAN: &str = "/v1/programs/helseplattformen/golive-plan";

/// Holtålen and Midtre Gauldal both wish November 2022, but only one fits; Skaun & <Børsa>
/// declined; Oppdal exercised without saying how many end users it has.
async fn program() -> (TestApp, String) {
    let (app, key) = spawn_program(START, &[]).await;
    for (number, name, end_users) in [("5026", "Holtålen", 700), ("5027", "Midtre Gauldal", 400)] {
        exercised(&app, &key, number, name).await;
        app.ok(
            &key,
            number,
            "preferences",
            json!({"preferred_month": "2022-11", "end_users": end_users}),
        )
        .await;
    }
    exercised(&app, &key, "5021", "Oppdal").await;
    app.enroll(&key, "5028", "Skaun & <Børsa>").await;
    app.ok(&key, "5028", "decline", json!({"reason": "Egen løsning"})).await;
    (app, key)
}

#[tokio::test]
async fn municipalities_are_planned_in_months_of_limited_capacity() {
    let (app, key) = program().await;
    let r = app.get(&key, &format!("{PLAN}?capacity=1000")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let plan: Value = r.json().await.unwrap();
    assert_eq!(
        plan,
        json!({
            "waves": [
                {"month": "2022-11", "end_users": 700, "municipalities": ["5026"], "unsigned": ["5026"]},
                {"month": "2022-12", "end_users": 400, "municipalities": ["5027"], "unsigned": ["5027"]},
            ],
            "unplanned": [
                {"number": "5021", "reason": "no end-user count"},
                {"number": "5028", "reason": "declined"},
            ]
        })
    );

    // With room for both, both go live in the month they wished.
    let roomy: Value = app
        .get(&key, &format!("{PLAN}?capacity=1100"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(roomy["waves"][0]["month"], "2022-11");
    assert_eq!(roomy["waves"][0]["municipalities"], json!(["5026", "5027"]));
    assert_eq!(roomy["waves"][0]["end_users"], 1100);

    // Too small a capacity for Holtålen: it is listed with the reason, Midtre Gauldal planned.
    let small: Value = app
        .get(&key, &format!("{PLAN}?capacity=500"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(small["waves"][0]["municipalities"], json!(["5027"]));
    assert!(small["unplanned"]
        .as_array()
        .unwrap()
        .contains(&json!({"number": "5026", "reason": "more end users than the capacity"})));

    // A municipality admin sees the plan too: it holds no personal data.
    let municipal = app
        .new_key(&key, json!({"role": "municipality_admin", "municipality": "5027"}))
        .await;
    let r = app.get(&municipal, &format!("{PLAN}?capacity=1000")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), plan);
}

#[tokio::test]
async fn a_capacity_that_is_not_a_positive_number_is_a_malformed_request() {
    let (app, key) = spawn_program(START, &[("5027", "Midtre Gauldal")]).await;
    for query in ["", "?capacity=0", "?capacity=ten", "?capacity=-1", "?capacity="] {
        let r = app.get(&key, &format!("{PLAN}{query}")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{query}");
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["status"], 400);
        let r = app.get(&key, &format!("{PLAN}.svg{query}")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "svg {query}");
    }
    let r = app
        .client
        .get(app.url(&format!("{PLAN}?capacity=10")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .get(&key, "/v1/programs/nosuchprogram/golive-plan?capacity=10")
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_plan_is_a_picture_that_a_browser_renders() {
    let (app, key) = program().await;
    let r = app.get(&key, &format!("{PLAN}.svg?capacity=1000")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let svg = r.text().await.unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
    assert!(svg.trim_end().ends_with("</svg>"));
    for name in [
        "Holtålen",
        "Midtre Gauldal",
        "Oppdal",
        "Skaun &amp; &lt;Børsa&gt;",
        "2022-11",
        "2022-12",
    ] {
        assert!(svg.contains(name), "{name} is in the picture");
    }
    assert!(!svg.contains("<Børsa>"), "names are escaped");
    assert!(!svg.contains("<script"));
    assert!(!svg.contains("href"), "no external assets");

    // Headless Chromium parses and draws it: one row for each month.
    let served = svg.clone();
    let router = axum::Router::new().route(
        "/plan.svg",
        axum::routing::get(move || async move { ([("content-type", "image/svg+xml")], served) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let browser = Browser::start_desktop(800, 400).await;
    browser.goto(&format!("{address}/plan.svg")).await;
    let drawn = browser
        .client()
        .execute(
            "const svg = document.documentElement; \
             return [svg.localName, document.querySelectorAll('g.wave').length, \
                     document.getElementsByTagName('parsererror').length, svg.getBBox().width > 100];",
            vec![],
        )
        .await
        .expect("script runs");
    assert_eq!(drawn, json!(["svg", 2, 0, true]));
    let png = browser.screenshot("golive-plan").await;
    assert!(std::fs::metadata(&png).unwrap().len() > 1000, "{}", png.display());
    browser.close().await;
}
