//! The real `vedtak` binary: first start, kill -9 in the middle of a lifecycle, restart.

use serde_json::{json, Value};
use std::path::Path;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const ADMIN: &str = "serve-test-admin-token";

/// A running `vedtak serve`, killed when dropped.
struct Server {
    child: Child,
    url: String,
    printed: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

async fn start(data: &Path, admin_token: Option<&str>) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vedtak"));
    command
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env_remove("VEDTAK_ADMIN_TOKEN")
        .kill_on_drop(true);
    if let Some(token) = admin_token {
        command.env("VEDTAK_ADMIN_TOKEN", token);
    }
    let mut child = command.spawn().expect("vedtak starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let url = loop {
        let line = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
            .await
            .expect("vedtak says where it listens")
            .unwrap()
            .expect("vedtak printed a line");
        if let Some(rest) = line.strip_prefix("vedtak listening on ") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
        printed.push(line);
    };
    Server { child, url, printed }
}

impl Server {
    async fn kill_9(mut self) {
        self.child.kill().await.unwrap(); // SIGKILL: no shutdown, no flush, nothing graceful
    }

    async fn post(&self, key: &str, path: &str, body: Value) -> (u16, Value) {
        let r = reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, key: &str, path: &str) -> Value {
        let r = reqwest::Client::new()
            .get(format!("{}{path}", self.url))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }
}

fn program() -> Value {
    json!({"id": "hp", "name": "Helseplattformen", "counterparty": {"name": "Helseplattformen AS", "org_number": "998877601"},
        "option_deadline": "2099-12-31",
        "counterparty_signer": {"name": "Torbjørg Vanvik", "email": "ceo@hp.example", "title": "Administrerende direktør"}})
}

fn municipality(number: &str) -> Value {
    json!({"number": number, "name": "Røros", "contact": {"name": "Kontakt", "email": format!("post@{number}.example")},
        "director": {"name": "Kjersti Forbord Jensås", "email": "dir@roros.example", "title": "Kommunedirektør"}})
}

fn today() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
        .to_string()
}

fn eml_files(data: &Path) -> usize {
    std::fs::read_dir(data.join("outbox"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .count()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn the_first_start_prints_an_admin_key_once_and_it_keeps_working() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path(), None).await;
    let line = server
        .printed
        .iter()
        .find(|l| l.starts_with("Platform admin key"))
        .expect("a key is printed at first start");
    let key = line.rsplit(' ').next().unwrap().to_owned();
    assert_eq!(server.post(&key, "/v1/programs", program()).await.0, 201);
    server.kill_9().await;

    let server = start(data.path(), None).await;
    assert!(
        server.printed.iter().all(|l| !l.contains("admin key")),
        "never printed again: {:?}",
        server.printed
    );
    assert_eq!(server.get(&key, "/v1/programs/hp").await["id"], "hp");
}

#[tokio::test]
async fn killing_the_server_mid_lifecycle_loses_nothing() {
    let data = tempfile::tempdir().unwrap();
    let server = start(data.path(), Some(ADMIN)).await;
    assert_eq!(server.post(ADMIN, "/v1/programs", program()).await.0, 201);
    for n in ["5025", "5026", "5027"] {
        assert_eq!(
            server
                .post(ADMIN, "/v1/programs/hp/municipalities", municipality(n))
                .await
                .0,
            201
        );
        assert_eq!(
            server
                .post(ADMIN, &format!("/v1/programs/hp/municipalities/{n}/notice"), json!({}))
                .await
                .0,
            200
        );
    }
    let vote = json!({"body": "kommunestyre", "date": today(), "case_number": "2021/311", "members": 25, "present": 23, "votes_for": 19, "votes_against": 4});
    assert_eq!(
        server
            .post(ADMIN, "/v1/programs/hp/municipalities/5025/decision", vote)
            .await
            .0,
        200
    );
    let before = server.get(ADMIN, "/v1/programs/hp/municipalities/5025/events").await;
    server.kill_9().await;

    let server = start(data.path(), Some(ADMIN)).await;
    assert_eq!(
        server.get(ADMIN, "/v1/programs/hp/municipalities/5025/events").await,
        before
    );
    let list = server.get(ADMIN, "/v1/programs/hp/municipalities").await;
    let states: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["adopted", "notice_sent", "notice_sent"]);
    assert_eq!(
        server
            .post(ADMIN, "/v1/programs/hp/municipalities/5025/exercise", json!({}))
            .await
            .0,
        200
    );
    // Every notice committed before the kill is e-mailed, once, whether or not it went out before.
    for _ in 0..100 {
        if eml_files(data.path()) >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(eml_files(data.path()), 3);
    server.kill_9().await;

    let check = std::process::Command::new(env!("CARGO_BIN_EXE_vedtak"))
        .args(["check", "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{said}");
    assert!(said.contains("3 of 3 histories intact"), "{said}");
}
