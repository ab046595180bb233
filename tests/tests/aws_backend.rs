//! What only the AWS backend has: items in DynamoDB, documents in S3 with their checksums,
//! presigned uploads, and two servers racing on one table.

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine as _;
use serde_json::{json, Value};
use vedtak_tests::*;

const START: &str = "2021-03-01T12:00:00+01:00";

#[tokio::test]
async fn the_items_are_in_dynamodb_and_the_documents_in_s3_with_their_sha256() {
    let (app, key) = spawn_program_on(true, START, &[("5027", "Midtre Gauldal")]).await;
    app.ok(&key, "5027", "notice", json!({})).await;
    app.ok(&key, "5027", "decision", adopted_vote("2021-03-01")).await;
    app.ok(&key, "5027", "exercise", json!({})).await;
    let protocol = b"%PDF-1.7 protokoll kommunestyret 01.03.2021".to_vec();
    let r = app
        .client
        .post(app.url("/v1/documents"))
        .bearer_auth(&key)
        .header("content-type", "application/pdf")
        .body(protocol.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let sha = r.json::<Value>().await.unwrap()["sha256"].as_str().unwrap().to_owned();

    let aws = app.aws.as_ref().unwrap();
    let item = aws
        .dynamodb
        .get_item()
        .table_name(&aws.config.table)
        .key("pk", AttributeValue::S(format!("P#{PROGRAM}")))
        .key("sk", AttributeValue::S("E#5027".into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .expect("the enrollment item");
    assert_eq!(item["version"], AttributeValue::N("4".into()));
    let events = aws
        .dynamodb
        .query()
        .table_name(&aws.config.table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S(format!("E#{PROGRAM}#5027")))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert_eq!(events.count, 4, "one event item per command");

    let head = aws
        .s3
        .head_object()
        .bucket(&aws.config.bucket)
        .key(format!("documents/{sha}"))
        .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    let digest = ring::digest::digest(&ring::digest::SHA256, &protocol);
    assert_eq!(
        head.checksum_sha256(),
        Some(base64::engine::general_purpose::STANDARD.encode(digest).as_str())
    );
    assert_eq!(head.content_type(), Some("application/pdf"));
}

#[tokio::test]
async fn a_large_document_goes_straight_to_s3_through_a_presigned_upload() {
    let app = spawn_with(Options {
        aws: true,
        ..Default::default()
    })
    .await;
    let bytes: Vec<u8> = (0..(6 * 1024 * 1024)).map(|i| (i % 251) as u8).collect();
    let sha = vedtak::domain::Sha256Hex::of(&bytes).to_string();
    let r = app
        .post(
            ADMIN,
            "/v1/documents/uploads",
            json!({"sha256": sha, "size": bytes.len(), "content_type": "application/pdf"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let upload: Value = r.json().await.unwrap();
    assert_eq!(upload["method"], "PUT");
    let mut put = app.client.put(upload["url"].as_str().unwrap()).body(bytes.clone());
    for (name, value) in upload["headers"].as_object().unwrap() {
        put = put.header(name, value.as_str().unwrap());
    }
    assert!(put.send().await.unwrap().status().is_success());
    let got = app.get(ADMIN, &format!("/v1/documents/{sha}")).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().len(), bytes.len());
}

#[tokio::test]
async fn presigned_uploads_are_only_for_the_aws_backend() {
    let app = spawn_app().await;
    let r = app
        .post(
            ADMIN,
            "/v1/documents/uploads",
            json!({"sha256": "a".repeat(64), "size": 10, "content_type": "application/pdf"}),
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    for bad in [
        json!({"sha256": "not-a-hash", "size": 10, "content_type": "application/pdf"}),
        json!({"sha256": "a".repeat(64), "size": 0, "content_type": "application/pdf"}),
        json!({"sha256": "a".repeat(64), "size": 10, "content_type": "pdf\r\nX-Injected: 1"}),
    ] {
        let r = app.post(ADMIN, "/v1/documents/uploads", bad.clone()).await;
        assert_eq!(r.status(), 422, "{bad}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
}

#[tokio::test]
async fn two_servers_racing_on_one_table_one_wins_and_the_other_gets_412_never_500() {
    let (first, key) = spawn_program_on(true, START, &[("5027", "Midtre Gauldal")]).await;
    let second = spawn_with(Options {
        clock_start: Some(START),
        aws_backend: first.aws.clone(),
        ..Default::default()
    })
    .await;
    let path = format!("/v1/programs/{PROGRAM}/municipalities/5027/preferences");
    for round in 0..10u32 {
        let version = 1 + round;
        let send = |app: &TestApp, users: u32| {
            app.client
                .post(app.url(&path))
                .bearer_auth(&key)
                .header("if-match", format!("\"{version}\""))
                .json(&json!({"preferred_month": "2022-11", "end_users": users}))
                .send()
        };
        let (a, b) = tokio::join!(send(&first, 100 + round), send(&second, 200 + round));
        let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 412], "round {round}");
    }
    let events = first.events(&key, "5027").await;
    assert_eq!(events.len(), 11, "one event per accepted command");
    vedtak::chain::verify(&events).expect("no gap, no fork");
}
