//! `vedtak import`: enrolls the municipalities listed in a CSV file through the HTTP API.
//!
//! Each row is one `POST /v1/programs/{pid}/municipalities`, one atomic command on the server,
//! so a row is enrolled whole or not at all. Each carries an `Idempotency-Key` derived from the
//! program and the row, so running the same file again after an interruption answers the rows
//! already imported as before instead of failing. Rows are checked here first, with the
//! server's own rules, and a bad row is reported with its line number and never sent.

use clap::Args;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use vedtak::http::dto::EnrollmentIn;

/// The columns, in the order the documentation shows them; the header row may order them freely.
pub const COLUMNS: [&str; 7] = [
    "number",
    "name",
    "contact_name",
    "contact_email",
    "director_name",
    "director_email",
    "director_title",
];

#[derive(Args)]
pub struct ImportArgs {
    /// The program to enroll the municipalities in.
    #[arg(long)]
    program: String,
    /// The CSV file, with the header row
    /// `number,name,contact_name,contact_email,director_name,director_email,director_title`.
    file: PathBuf,
    /// Where the API is.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    url: String,
}

/// One data row of the file: its line number and the request body it becomes.
struct Row {
    line: u64,
    number: String,
    body: Value,
}

/// What became of the rows.
#[derive(Default)]
struct Outcome {
    imported: usize,
    /// Of `imported`, those the server had already enrolled from this same row before.
    already: usize,
    failures: Vec<(u64, String)>,
}

pub async fn run(args: ImportArgs) -> anyhow::Result<i32> {
    let key = api_key().ok_or_else(|| {
        anyhow::anyhow!("no API key: set VEDTAK_TOKEN (or VEDTAK_ADMIN_TOKEN) to a key that administers the program")
    })?;
    vedtak::domain::ProgramId::parse(&args.program).map_err(|e| anyhow::anyhow!("--program: {e}"))?;
    let bytes = std::fs::read(&args.file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let (rows, mut outcome) = parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;

    let base = args.url.trim_end_matches('/');
    let endpoint = format!("{base}/v1/programs/{}/municipalities", args.program);
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()?;
    let progress =
        indicatif::ProgressBar::with_draw_target(Some(rows.len() as u64), indicatif::ProgressDrawTarget::stderr());
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} municipalities {msg}").expect("a valid template"),
    );
    let mut fatal = None;
    let mut sent = 0;
    for row in &rows {
        progress.set_message(row.number.clone());
        match send(&client, &endpoint, &key, &args.program, row).await {
            Sent::Imported { already } => {
                outcome.imported += 1;
                outcome.already += usize::from(already);
            }
            Sent::Failed(reason) => outcome.failures.push((row.line, reason)),
            Sent::Stop(reason) => {
                fatal = Some(reason);
                break;
            }
        }
        sent += 1;
        progress.inc(1);
    }
    progress.finish_and_clear();

    outcome.failures.sort_by_key(|(line, _)| *line);
    let failed = outcome.failures.len();
    let mut summary = format!("imported {}, failed {failed}", outcome.imported);
    if outcome.already > 0 {
        summary.push_str(&format!(
            " ({} of the imported were already there from this file)",
            outcome.already
        ));
    }
    println!("{summary}");
    for (line, reason) in &outcome.failures {
        println!("line {line}: {reason}");
    }
    if let Some(reason) = fatal {
        eprintln!(
            "stopped: {reason}; {} of the {} rows that passed the checks were not imported \
             (running the same file again is safe)",
            rows.len() - sent,
            rows.len()
        );
        return Ok(1);
    }
    Ok(if failed == 0 { 0 } else { 1 })
}

/// `VEDTAK_TOKEN`, else `VEDTAK_ADMIN_TOKEN`; an empty variable counts as unset.
fn api_key() -> Option<String> {
    ["VEDTAK_TOKEN", "VEDTAK_ADMIN_TOKEN"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|v| v.trim().to_owned())
        .find(|v| !v.is_empty())
}

/// Reads the file into rows worth sending, and the failures of those that are not.
/// Only a file that cannot be read as this kind of CSV at all (no or wrong header) is an error.
fn parse(bytes: &[u8]) -> Result<(Vec<Row>, Outcome), String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .clone();
    let mut at = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(name).trim().to_lowercase();
        if !COLUMNS.contains(&name.as_str()) {
            return Err(format!(
                "line 1: unknown column '{name}'; the header row is {}",
                COLUMNS.join(",")
            ));
        }
        if at.insert(name.clone(), i).is_some() {
            return Err(format!("line 1: column '{name}' appears twice"));
        }
    }
    if let Some(missing) = COLUMNS.iter().find(|c| !at.contains_key(**c)) {
        return Err(format!(
            "line 1: no column '{missing}'; the header row is {}",
            COLUMNS.join(",")
        ));
    }

    let mut rows = Vec::new();
    let mut outcome = Outcome::default();
    let mut first_line_of: HashMap<String, (u64, Value)> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // The csv reader is lenient; what it still refuses is not worth guessing at.
                let line = e.position().map_or(line, |p| p.line());
                outcome.failures.push((line, format!("cannot read the row: {e}")));
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.iter().any(|f| f.contains(&b'\n')) {
            let last = reader.position().line().saturating_sub(1);
            let to = if last > line {
                format!("to line {last}")
            } else {
                "to the end of the file".to_owned()
            };
            outcome.failures.push((
                line,
                format!("a quoted field runs on from here {to} (is a closing quote missing?)"),
            ));
            continue;
        }
        match row(&record, &at, header.len()) {
            Err(reason) => outcome.failures.push((line, reason)),
            Ok((number, body)) => match first_line_of.get(&number) {
                Some((first, same)) if *same == body => outcome
                    .failures
                    .push((line, format!("municipality {number} is already on line {first}"))),
                Some((first, _)) => outcome.failures.push((
                    line,
                    format!("municipality {number} is already on line {first}, with other details"),
                )),
                None => {
                    first_line_of.insert(number.clone(), (line, body.clone()));
                    rows.push(Row { line, number, body });
                }
            },
        }
    }
    Ok((rows, outcome))
}

/// One record as a request body the server will accept, or why it would not.
fn row(record: &csv::ByteRecord, at: &HashMap<String, usize>, columns: usize) -> Result<(String, Value), String> {
    if record.len() != columns {
        return Err(format!(
            "{} columns where the header has {columns} (is a comma in a name not inside quotes?)",
            record.len()
        ));
    }
    let mut fields = HashMap::new();
    for column in COLUMNS {
        let raw = &record[at[column]];
        let text = std::str::from_utf8(raw).map_err(|_| format!("{column} is not UTF-8 text"))?;
        if text.contains(['\n', '\r']) {
            return Err(format!("{column} contains a line break"));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(format!("{column} is empty"));
        }
        fields.insert(column, text.to_owned());
    }
    let body = json!({
        "number": fields["number"],
        "name": fields["name"],
        "contact": {"name": fields["contact_name"], "email": fields["contact_email"]},
        "director": {"name": fields["director_name"], "email": fields["director_email"], "title": fields["director_title"]},
    });
    // The server's own rules, so that a row it would refuse is never sent.
    let enrollment: EnrollmentIn = serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
    // Its answers name JSON fields (`contact.email`); the file calls them `contact_email`.
    enrollment.validate().map_err(|e| {
        let detail = e.0.detail;
        match detail
            .strip_prefix("contact.")
            .or_else(|| detail.strip_prefix("director."))
        {
            Some(rest) => format!("{}_{rest}", &detail[..detail.len() - rest.len() - 1]),
            None => detail,
        }
    })?;
    Ok((fields["number"].clone(), body))
}

/// The same program and row always give the same key, and a changed row a new one.
fn idempotency_key(program: &str, body: &Value) -> String {
    let digest = vedtak::canonical::sha256_hex(&json!({ "program": program, "row": body }));
    format!("vedtak-import-{digest}")
}

enum Sent {
    Imported {
        already: bool,
    },
    Failed(String),
    /// Every further row would fail the same way (no server, a refused key, no such program).
    Stop(String),
}

async fn send(client: &reqwest::Client, endpoint: &str, key: &str, program: &str, row: &Row) -> Sent {
    let response = client
        .post(endpoint)
        .bearer_auth(key)
        .header("Idempotency-Key", idempotency_key(program, &row.body))
        .json(&row.body)
        .send()
        .await;
    let response = match response {
        Ok(r) => r,
        Err(e) if e.is_connect() => return Sent::Stop(format!("cannot reach {endpoint}")),
        Err(e) if e.is_timeout() => return Sent::Failed("the server did not answer in time".into()),
        Err(e) => return Sent::Failed(format!("the request failed: {}", e.without_url())),
    };
    let status = response.status().as_u16();
    let replayed = response.headers().contains_key("idempotent-replayed");
    let detail = || async {
        let body: Value = response.json().await.unwrap_or(Value::Null);
        body["detail"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("the server answered {status}"))
    };
    match status {
        200..=299 => Sent::Imported { already: replayed },
        401 => Sent::Stop("the API key was refused".into()),
        403 => Sent::Stop(format!(
            "the API key may not enroll municipalities in program {program}"
        )),
        404 => Sent::Stop(detail().await),
        409 => {
            let detail = detail().await;
            match enrolled_as(client, endpoint, key, row).await {
                Some(true) => Sent::Imported { already: true },
                Some(false) => Sent::Failed(format!("{detail}, with other details than this row")),
                None => Sent::Failed(detail),
            }
        }
        _ => Sent::Failed(detail().await),
    }
}

/// Whether the enrollment already there has exactly this row's details (enrolled before under
/// another key, so the `Idempotency-Key` could not recognise it); `None` when it cannot be read.
async fn enrolled_as(client: &reqwest::Client, endpoint: &str, key: &str, row: &Row) -> Option<bool> {
    let response = client
        .get(format!("{endpoint}/{}", row.number))
        .bearer_auth(key)
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let there: Value = response.json().await.ok()?;
    let b = &row.body;
    Some(
        there["name"] == b["name"]
            && there["contact"]["name"] == b["contact"]["name"]
            && there["contact"]["email"] == b["contact"]["email"]
            && there["director"]["name"] == b["director"]["name"]
            && there["director"]["email"] == b["director"]["email"]
            && there["director"]["title"] == b["director"]["title"],
    )
}
