//! Every API endpoint × every kind of caller, with the status each must get. The table is
//! checked against the OpenAPI document, so an endpoint added without a row fails this test.
//! (The pages — `/sign/{token}`, `/certificates/{id}`, `/programs/{pid}` — take no key: a
//! signing link's token, or nothing, is their credential; they are tested on their own.)

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use vedtak_tests::receiver::Receiver;
use vedtak_tests::signing::*;
use vedtak_tests::*;

/// The callers, in the column order of `ROWS`.
const CALLERS: [&str; 7] = [
    "none",
    "wrong key",
    "platform",
    "other program",
    "other municipality",
    "own municipality",
    "program admin",
];

struct Ids {
    envelope: String,
    webhook: String,
    delivery: String,
    sha: String,
}

/// (method, path template, expected status per caller). The path's `{…}` are filled from `Ids`;
/// the program is `helseplattformen`, the municipality 5027.
#[rustfmt::skip]
const ROWS: &[(&str, &str, [u16; 7])] = &[
    // method  path                                                                none wrong plat  oprog omun  own   padm
    ("POST", "/v1/programs",                                                       [401, 401, 201, 403, 403, 403, 403]),
    ("GET",  "/v1/programs/{pid}",                                                 [401, 401, 200, 403, 200, 200, 200]),
    ("POST", "/v1/programs/{pid}/keys",                                            [401, 401, 201, 403, 403, 403, 201]),
    ("POST", "/v1/programs/{pid}/municipalities",                                  [401, 401, 409, 403, 403, 403, 409]),
    ("GET",  "/v1/programs/{pid}/municipalities",                                  [401, 401, 200, 403, 200, 200, 200]),
    ("GET",  "/v1/programs/{pid}/municipalities/{n}",                              [401, 401, 200, 403, 403, 200, 200]),
    ("GET",  "/v1/programs/{pid}/municipalities/{n}/events",                       [401, 401, 200, 403, 403, 200, 200]),
    ("POST", "/v1/programs/{pid}/municipalities/{n}/notice",                       [401, 401, 409, 403, 403, 403, 409]),
    ("POST", "/v1/programs/{pid}/municipalities/{n}/meetings",                     [401, 401, 409, 403, 403, 409, 409]),
    ("POST", "/v1/programs/{pid}/municipalities/{n}/decision",                     [401, 401, 409, 403, 403, 409, 409]),
    ("POST", "/v1/programs/{pid}/municipalities/{n}/exercise",                     [401, 401, 409, 403, 403, 409, 409]),
    ("POST", "/v1/programs/{pid}/municipalities/{n}/decline",                      [401, 401, 409, 403, 403, 409, 409]),
    ("POST", "/v1/programs/{pid}/municipalities/{n}/preferences",                  [401, 401, 200, 403, 403, 200, 200]),
    ("POST", "/v1/programs/{pid}/municipalities/{n}/agreement",                    [401, 401, 409, 403, 403, 403, 409]),
    ("POST", "/v1/programs/{pid}/municipalities/{n}/golive",                       [401, 401, 409, 403, 403, 403, 409]),
    ("POST", "/v1/programs/{pid}/municipalities/{n}/live",                         [401, 401, 409, 403, 403, 403, 409]),
    ("POST", "/v1/programs/{pid}/municipalities/{n}/inbound-secret",               [401, 401, 200, 403, 403, 200, 200]),
    ("GET",  "/v1/programs/{pid}/golive-plan",                                     [401, 401, 200, 403, 200, 200, 200]),
    ("GET",  "/v1/programs/{pid}/golive-plan.svg",                                 [401, 401, 200, 403, 200, 200, 200]),
    ("POST", "/v1/programs/{pid}/webhooks",                                        [401, 401, 201, 403, 201, 201, 201]),
    ("GET",  "/v1/programs/{pid}/webhooks",                                        [401, 401, 200, 403, 200, 200, 200]),
    ("GET",  "/v1/programs/{pid}/webhooks/{id}",                                   [401, 401, 200, 404, 403, 403, 200]),
    ("POST", "/v1/programs/{pid}/webhooks/{id}/rotate",                            [401, 401, 200, 404, 403, 403, 200]),
    ("POST", "/v1/programs/{pid}/webhooks/{id}/disable",                           [401, 401, 200, 404, 403, 403, 200]),
    ("POST", "/v1/programs/{pid}/webhooks/{id}/enable",                            [401, 401, 200, 404, 403, 403, 200]),
    ("GET",  "/v1/programs/{pid}/webhooks/{id}/deliveries",                        [401, 401, 200, 404, 403, 403, 200]),
    ("POST", "/v1/programs/{pid}/webhooks/{id}/deliveries/{delivery_id}/retry",    [401, 401, 200, 404, 403, 403, 200]),
    ("GET",  "/v1/envelopes/{id}",                                                 [401, 401, 200, 403, 403, 200, 200]),
    ("GET",  "/v1/envelopes/{id}/certificate",                                     [401, 401, 404, 403, 403, 404, 404]),
    ("POST", "/v1/envelopes/{id}/void",                                            [401, 401, 200, 403, 403, 403, 409]),
    ("POST", "/v1/documents",                                                      [401, 401, 201, 201, 201, 201, 201]),
    ("GET",  "/v1/documents/{sha256}",                                             [401, 401, 200, 404, 200, 200, 200]),
    // Locally there is no presigned upload (it is an S3 thing): 404 for whoever may ask.
    ("POST", "/v1/documents/uploads",                                              [401, 401, 404, 404, 404, 404, 404]),
    ("GET",  "/v1/clock",                                                          [401, 401, 200, 200, 200, 200, 200]),
    ("PUT",  "/v1/clock",                                                          [401, 401, 409, 403, 403, 403, 403]),
    ("POST", "/v1/inbound/{pid}",                                                  [401, 401, 401, 401, 401, 401, 401]),
    ("GET",  "/v1/openapi.json",                                                   [200, 200, 200, 200, 200, 200, 200]),
    ("GET",  "/.well-known/vedtak-keys.json",                                      [200, 200, 200, 200, 200, 200, 200]),
];

fn body_for(method: &str, path: &str, ids: &Ids) -> Option<Value> {
    if method != "POST" && method != "PUT" {
        return None;
    }
    let last = path.rsplit('/').next().unwrap();
    Some(match last {
        "programs" => program_body(&format!("x{}", rand_suffix()), "2031-10-31"),
        "keys" => json!({"role": "municipality_admin", "municipality": "5027"}),
        "municipalities" => municipality_body("5027", "Midtre Gauldal"),
        "meetings" => meeting("2021-02-18"),
        "decision" => adopted_vote("2021-02-18"),
        "decline" | "void" => json!({"reason": "test"}),
        "preferences" => json!({"preferred_month": "2022-11", "end_users": 400}),
        "agreement" => json!({"title": "T", "document_sha256": ids.sha}),
        "golive" => json!({"date": "2022-11-12", "end_users": 400}),
        "inbound-secret" | "rotate" | "disable" | "enable" | "retry" | "notice" | "exercise" | "live" => json!({}),
        "webhooks" => json!({"url": "http://127.0.0.1:9/hook", "events": ["enrollment.state_changed"]}),
        "uploads" => json!({"sha256": ids.sha, "content_type": "application/pdf", "size": 10}),
        "clock" => json!({"now": "2021-02-18T20:00:00+01:00"}),
        _ => json!({}),
    })
}

fn rand_suffix() -> String {
    vedtak::signing::links::nonce()[..8].to_owned()
}

#[tokio::test]
async fn every_endpoint_answers_every_kind_of_caller_as_the_role_rules_say() {
    let (app, key) = spawn_program("2021-02-15T09:00:00+01:00", &[("5026", "Holtålen")]).await;
    let receiver = Receiver::start(&[]).await;
    let webhook: Value = app
        .post(
            &key,
            "/v1/programs/helseplattformen/webhooks",
            json!({"url": receiver.url, "events": ["enrollment.state_changed"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let webhook = webhook["id"].as_str().unwrap().to_owned();
    exercised(&app, &key, "5027", "Midtre Gauldal").await;
    let sha = upload(&app, &key, DOCUMENT).await;
    let envelope = send_agreement(&app, &key, "5027", "T", &sha).await["envelope_id"]
        .as_str()
        .unwrap()
        .to_owned();
    receiver.wait_for(1).await;
    let deliveries: Value = app
        .get(
            &key,
            &format!("/v1/programs/helseplattformen/webhooks/{webhook}/deliveries"),
        )
        .await
        .json()
        .await
        .unwrap();
    let delivery = deliveries["items"][0]["id"].as_str().unwrap().to_owned();
    let ids = Ids {
        envelope,
        webhook,
        delivery,
        sha,
    };

    app.client
        .post(app.url("/v1/programs"))
        .bearer_auth(ADMIN)
        .json(&program_body("other", "2021-10-31"))
        .send()
        .await
        .unwrap();
    let other_program = {
        let r = app
            .client
            .post(app.url("/v1/programs/other/keys"))
            .bearer_auth(ADMIN)
            .json(&json!({"role": "program_admin"}))
            .send()
            .await
            .unwrap();
        r.json::<Value>().await.unwrap()["key"].as_str().unwrap().to_owned()
    };
    let other_muni = app
        .new_key(&key, json!({"role": "municipality_admin", "municipality": "5026"}))
        .await;
    let own_muni = app
        .new_key(&key, json!({"role": "municipality_admin", "municipality": "5027"}))
        .await;
    let keys: [Option<&str>; 7] = [
        None,
        Some("vk_000000000000_nope"),
        Some(ADMIN),
        Some(&other_program),
        Some(&other_muni),
        Some(&own_muni),
        Some(&key),
    ];

    let mut failures = Vec::new();
    let mut tried = 0;
    for (method, template, expected) in ROWS {
        let path = template
            .replace("{pid}", "helseplattformen")
            .replace("{n}", "5027")
            .replace("{delivery_id}", &ids.delivery)
            .replace("{sha256}", &ids.sha)
            .replace(
                "{id}",
                if template.contains("webhooks") {
                    &ids.webhook
                } else {
                    &ids.envelope
                },
            );
        for (i, caller) in keys.iter().enumerate() {
            let query = if template.contains("golive-plan") {
                "?capacity=1000"
            } else {
                ""
            };
            let url = app.url(&format!("{path}{query}"));
            let mut request = app.client.request(Method::from_bytes(method.as_bytes()).unwrap(), url);
            if let Some(k) = caller {
                request = request.bearer_auth(k);
            }
            if path == "/v1/documents" {
                // Bytes of its own per caller: an upload grants its program the document, and
                // the GET row must show who may read the one uploaded before the matrix ran.
                let mut bytes = DOCUMENT.to_vec();
                bytes.push(b'0' + i as u8);
                request = request.header("content-type", "application/pdf").body(bytes);
            } else if let Some(body) = body_for(method, template, &ids) {
                request = request.json(&body);
            }
            let got = request.send().await.unwrap().status();
            tried += 1;
            if got != StatusCode::from_u16(expected[i]).unwrap() {
                failures.push(format!(
                    "{method} {template} as {}: expected {}, got {}",
                    CALLERS[i],
                    expected[i],
                    got.as_u16()
                ));
            }
        }
    }
    println!("{tried} requests tried");
    assert!(
        failures.is_empty(),
        "{} cells disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Every endpoint the API documents has a row, and every row is documented.
    let doc: Value = app.public_json("/v1/openapi.json").await;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    // The document does not list itself.
    documented.insert("GET /v1/openapi.json".to_owned());
    let rows: BTreeSet<String> = ROWS.iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    assert_eq!(
        documented, rows,
        "the matrix and the OpenAPI document list the same endpoints"
    );
}
