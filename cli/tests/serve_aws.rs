//! The real `vedtak` binary on the AWS backend, configured only through the standard AWS
//! environment and VEDTAK_TABLE/VEDTAK_BUCKET, against DynamoDB Local and moto.

use serde_json::{json, Value};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use vedtak_tests::{dynamodb_local, moto};

fn vedtak(table: &str, bucket: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vedtak"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_REGION", moto::REGION)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_local::endpoint())
        .env("AWS_ENDPOINT_URL_S3", moto::endpoint())
        .env("AWS_ENDPOINT_URL_SESV2", moto::endpoint())
        .env("VEDTAK_TABLE", table)
        .env("VEDTAK_BUCKET", bucket)
        .env("VEDTAK_MAIL_FROM", moto::MAIL_FROM)
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn aws_init_creates_the_table_bucket_and_a_key_and_serve_runs_a_lifecycle_on_them() {
    dynamodb_local::client().await; // starts the emulators
    moto::sesv2().await; // and verifies the sender
    let table = format!("serve-aws-{}", std::process::id());
    let bucket = format!("serve-aws-{}", std::process::id());

    let init = vedtak(&table, &bucket).arg("aws-init").output().await.unwrap();
    let said = String::from_utf8_lossy(&init.stdout);
    assert!(
        init.status.success(),
        "{said}\n{}",
        String::from_utf8_lossy(&init.stderr)
    );
    assert!(
        said.contains(&format!("created table {table}")) && said.contains(&format!("created bucket {bucket}")),
        "{said}"
    );
    let key = said
        .lines()
        .find_map(|l| l.strip_prefix("Platform admin key (shown once, keep it safe): "))
        .expect("a key")
        .to_owned();
    let again = vedtak(&table, &bucket).arg("aws-init").output().await.unwrap();
    let said_again = String::from_utf8_lossy(&again.stdout);
    assert!(
        said_again.contains("exist already") && !said_again.contains("vk_"),
        "{said_again}"
    );

    let mut child = vedtak(&table, &bucket)
        .args(["serve", "--backend", "aws", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next_line().await.unwrap().expect("vedtak says where it listens");
        if let Some(rest) = line.strip_prefix("vedtak listening on ") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let client = reqwest::Client::new();
    let post = |path: &str, body: Value| client.post(format!("{url}{path}")).bearer_auth(&key).json(&body).send();
    let program = json!({"id": "hp", "name": "Helseplattformen", "counterparty": {"name": "Helseplattformen AS", "org_number": "998877601"},
        "option_deadline": "2099-12-31", "counterparty_signer": {"name": "Torbjørg Vanvik", "email": "ceo@hp.example", "title": "Administrerende direktør"}});
    assert_eq!(post("/v1/programs", program).await.unwrap().status(), 201);
    let municipality = json!({"number": "5025", "name": "Røros", "contact": {"name": "Kontakt", "email": format!("post@{table}.example")},
        "director": {"name": "Kjersti Forbord Jensås", "email": "dir@roros.example", "title": "Kommunedirektør"}});
    assert_eq!(
        post("/v1/programs/hp/municipalities", municipality)
            .await
            .unwrap()
            .status(),
        201
    );
    let noticed: Value = post("/v1/programs/hp/municipalities/5025/notice", json!({}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(noticed["state"], "notice_sent");
    // The in-process dispatcher sends the notice through SES.
    let mut delivered = false;
    for _ in 0..100 {
        if moto::sent_emails()
            .await
            .iter()
            .any(|m| m.raw.contains(&format!("post@{table}.example")))
        {
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(delivered, "the notice went out through SES");
    child.kill().await.unwrap();
}
