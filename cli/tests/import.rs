//! `vedtak import`, the real binary against a real server on loopback.

use serde_json::Value;
use std::path::Path;
use tokio::process::Command;
use vedtak_tests::{spawn_app, TestApp, ADMIN, PROGRAM};

const HEADER: &str = "number,name,contact_name,contact_email,director_name,director_email,director_title\n";

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs `vedtak import` with only the given environment variables naming a key.
async fn import(app: &TestApp, file: &Path, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vedtak"));
    command
        .args(["import", "--program", PROGRAM, "--url", &app.address])
        .arg(file)
        .env_remove("VEDTAK_TOKEN")
        .env_remove("VEDTAK_ADMIN_TOKEN");
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command.output().await.expect("vedtak runs");
    let run = Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for (_, value) in env {
        assert!(
            !run.stdout.contains(value) && !run.stderr.contains(value),
            "the key was printed:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
    run
}

fn write(dir: &tempfile::TempDir, text: &str) -> std::path::PathBuf {
    let path = dir.path().join("kommuner.csv");
    std::fs::write(&path, text).unwrap();
    path
}

async fn enrolled(app: &TestApp, key: &str) -> Vec<Value> {
    let list: Value = app
        .get(key, &format!("/v1/programs/{PROGRAM}/municipalities"))
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().clone()
}

async fn name_of(app: &TestApp, key: &str, number: &str) -> Option<String> {
    let r = app
        .get(key, &format!("/v1/programs/{PROGRAM}/municipalities/{number}"))
        .await;
    if r.status() == 404 {
        return None;
    }
    let body: Value = r.json().await.unwrap();
    Some(body["name"].as_str().unwrap().to_owned())
}

fn good_rows() -> String {
    [
        "5025,Røros,Åse Sørensen,post@roros.kommune.example,Kjersti Forbord Jensås,direktor@roros.kommune.example,Kommunedirektør",
        "5001,\"Trondheim, Tråante\",Øystein Æsøy,post@trondheim.kommune.example,Ærlig Direktør,direktor@trondheim.kommune.example,Kommunedirektør",
        "5027,Midtre Gauldal,Kari Nordmann,post@mg.kommune.example,Ola Nordmann,direktor@mg.kommune.example,\"Kommunedirektør, fung.\"",
    ]
    .join("\n")
        + "\n"
}

#[tokio::test]
async fn a_file_of_several_municipalities_is_imported_and_they_appear_in_the_api() {
    let app = spawn_app().await;
    let key = app.create_program("2031-10-31").await;
    let dir = tempfile::tempdir().unwrap();
    // With a byte order mark, as spreadsheet programs write it.
    let file = write(&dir, &format!("\u{feff}{HEADER}{}", good_rows()));

    let run = import(&app, &file, &[("VEDTAK_TOKEN", &key)]).await;

    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("imported 3, failed 0"), "{}", run.stdout);
    assert_eq!(enrolled(&app, &key).await.len(), 3);
    assert_eq!(name_of(&app, &key, "5025").await.as_deref(), Some("Røros"));
    assert_eq!(name_of(&app, &key, "5001").await.as_deref(), Some("Trondheim, Tråante"));
    let trondheim: Value = app
        .get(&key, &format!("/v1/programs/{PROGRAM}/municipalities/5001"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(trondheim["contact"]["name"], "Øystein Æsøy");
    assert_eq!(trondheim["contact"]["email"], "post@trondheim.kommune.example");
    assert_eq!(trondheim["director"]["title"], "Kommunedirektør");
    let gauldal: Value = app
        .get(&key, &format!("/v1/programs/{PROGRAM}/municipalities/5027"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(gauldal["director"]["title"], "Kommunedirektør, fung.");
    assert_eq!(gauldal["state"], "option_held");
}

#[tokio::test]
async fn bad_rows_are_listed_by_line_and_not_enrolled_while_the_good_rows_are_imported() {
    let app = spawn_app().await;
    let key = app.create_program("2031-10-31").await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        &format!(
            "{HEADER}\
             5025,Røros,Åse Sørensen,post@roros.kommune.example,Kjersti Jensås,direktor@roros.kommune.example,Kommunedirektør\n\
             12,Tolv,Kari,post@tolv.example,Ola,dir@tolv.example,Kommunedirektør\n\
             5054,Indre Fosen,Kari,ikke-en-epost,Ola,dir@fosen.example,Kommunedirektør\n\
             3401,Kongsvinger,Kari,post@kongsvinger.example,Ola,dir@kongsvinger.example\n\
             5027,Midtre Gauldal,,post@mg.example,Ola,dir@mg.example,Kommunedirektør\n\
             5001,Trondheim,Kari,post@trondheim.example,Ola,dir@trondheim.example,Kommunedirektør\n"
        ),
    );

    let run = import(&app, &file, &[("VEDTAK_ADMIN_TOKEN", ADMIN)]).await;

    assert!(!run.ok, "{}", run.stdout);
    assert!(run.stdout.starts_with("imported 2, failed 4"), "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert!(lines[0].starts_with("line 3: number: "), "{}", run.stdout);
    assert!(lines[1].starts_with("line 4: contact_email: "), "{}", run.stdout);
    assert!(
        lines[2].starts_with("line 5: 6 columns where the header has 7"),
        "{}",
        run.stdout
    );
    assert!(lines[3].starts_with("line 6: contact_name is empty"), "{}", run.stdout);
    for good in ["5025", "5001"] {
        assert!(name_of(&app, &key, good).await.is_some(), "{good} is enrolled");
    }
    for bad in ["5054", "3401", "5027"] {
        assert_eq!(name_of(&app, &key, bad).await, None, "{bad} is not enrolled");
    }
    assert_eq!(enrolled(&app, &key).await.len(), 2);
}

#[tokio::test]
async fn running_the_same_file_twice_enrolls_nothing_twice_and_succeeds_both_times() {
    let app = spawn_app().await;
    let key = app.create_program("2031-10-31").await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, &format!("{HEADER}{}", good_rows()));

    let first = import(&app, &file, &[("VEDTAK_TOKEN", &key)]).await;
    let second = import(&app, &file, &[("VEDTAK_TOKEN", &key)]).await;

    assert!(first.ok && second.ok, "{}\n{}", first.stdout, second.stdout);
    assert!(
        second
            .stdout
            .starts_with("imported 3, failed 0 (3 of the imported were already there"),
        "{}",
        second.stdout
    );
    let items = enrolled(&app, &key).await;
    assert_eq!(items.len(), 3);
    for item in &items {
        assert_eq!(item["version"], 1, "enrolled once: {item}");
        let events = app.events(&key, item["number"].as_str().unwrap()).await;
        assert_eq!(events.len(), 1);
    }

    // Under another key the Idempotency-Key cannot recognise the rows, but the same details
    // already enrolled still count as imported.
    let third = import(&app, &file, &[("VEDTAK_ADMIN_TOKEN", ADMIN)]).await;
    assert!(third.ok, "{}", third.stdout);
    assert!(third.stdout.starts_with("imported 3, failed 0"), "{}", third.stdout);
    assert_eq!(enrolled(&app, &key).await.len(), 3);
}

#[tokio::test]
async fn a_municipality_already_enrolled_with_other_details_is_a_failure_naming_the_line() {
    let app = spawn_app().await;
    let key = app.create_program("2031-10-31").await;
    app.enroll(&key, "5027", "Midtre Gauldal kommune").await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, &format!("{HEADER}{}", good_rows()));

    let run = import(&app, &file, &[("VEDTAK_TOKEN", &key)]).await;

    assert!(!run.ok, "{}", run.stdout);
    assert!(run.stdout.starts_with("imported 2, failed 1"), "{}", run.stdout);
    assert!(
        run.stdout.contains("line 4: municipality 5027 is already enrolled"),
        "{}",
        run.stdout
    );
    assert_eq!(
        name_of(&app, &key, "5027").await.as_deref(),
        Some("Midtre Gauldal kommune")
    );
}

#[tokio::test]
async fn without_a_key_the_import_stops_with_a_clear_error_and_sends_nothing() {
    let app = spawn_app().await;
    let key = app.create_program("2031-10-31").await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, &format!("{HEADER}{}", good_rows()));

    let run = import(&app, &file, &[]).await;

    assert!(!run.ok);
    assert!(run.stderr.contains("VEDTAK_TOKEN"), "{}", run.stderr);
    assert!(enrolled(&app, &key).await.is_empty());
}

#[tokio::test]
async fn a_refused_key_stops_the_import_without_printing_the_key() {
    let app = spawn_app().await;
    let key = app.create_program("2031-10-31").await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, &format!("{HEADER}{}", good_rows()));

    let run = import(&app, &file, &[("VEDTAK_TOKEN", "not-a-real-key-4711")]).await;

    assert!(!run.ok);
    assert!(run.stderr.contains("the API key was refused"), "{}", run.stderr);
    assert!(enrolled(&app, &key).await.is_empty());
}

#[tokio::test]
async fn a_quote_left_open_is_reported_on_its_line_and_the_rows_before_it_are_imported() {
    let app = spawn_app().await;
    let key = app.create_program("2031-10-31").await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        &format!(
            "{HEADER}\
             5025,Røros,Åse Sørensen,post@roros.kommune.example,Kjersti Jensås,direktor@roros.kommune.example,Kommunedirektør\n\
             5001,\"Trondheim, Tråante,Kari,post@trondheim.example,Ola,dir@trondheim.example,Kommunedirektør\n\
             5027,Midtre Gauldal,Kari,post@mg.example,Ola,dir@mg.example,Kommunedirektør\n"
        ),
    );

    let run = import(&app, &file, &[("VEDTAK_TOKEN", &key)]).await;

    assert!(!run.ok, "{}", run.stdout);
    assert!(run.stdout.starts_with("imported 1, failed 1"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("line 3: a quoted field runs on from here to line 4"),
        "{}",
        run.stdout
    );
    assert_eq!(name_of(&app, &key, "5025").await.as_deref(), Some("Røros"));
    assert_eq!(name_of(&app, &key, "5001").await, None);
}
