//! One municipality's whole way over the HTTP API, from enrollment to go-live, as the program's
//! administrator and the two signers take it: every command the API offers on that path, the
//! agreement's upload, and both signatures with one-time codes read from the e-mails.

use crate::Result;
use async_trait::async_trait;
use chrono::{Days, NaiveDate};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use vedtak_tests::signing::{code_in, link_in, mail_text};

/// The steps of one lifecycle, in order, and whether each commits a command to the store.
pub const STEPS: &[(&str, bool)] = &[
    ("enroll", true),
    ("preferences", true),
    ("notice", true),
    ("meetings", true),
    ("decision", true),
    ("exercise", true),
    ("upload", false),
    ("agreement", true),
    ("director_page", false),
    ("director_code", true),
    ("director_sign", true),
    ("counterparty_page", false),
    ("counterparty_code", true),
    ("counterparty_sign", true),
    ("golive", true),
    ("live", true),
];

pub fn commands_per_lifecycle() -> usize {
    STEPS.iter().filter(|(_, commits)| *commits).count()
}

pub const PROGRAM: &str = "helseplattformen";
pub const COUNTERPARTY_SIGNER: &str = "ceo@helseplattformen.example";

/// Where the e-mails of a run can be read.
#[async_trait]
pub trait Mailbox: Send + Sync {
    /// The raw mail to `to` that the commit of municipality `number` at one of `versions` sent,
    /// waiting for it (the outbox is performed just after the commit).
    async fn mail(&self, number: &str, versions: std::ops::RangeInclusive<u64>, to: &str) -> Result<String>;
}

/// Told of every step as it finishes.
#[async_trait]
pub trait Observer: Send + Sync {
    async fn step(&self, number: &str, step: &'static str, elapsed: Duration) -> Result<()>;
}

/// The server and who drives it.
pub struct Target {
    pub base: String,
    pub client: Client,
    /// A program admin key.
    pub key: String,
}

/// Dates the engine accepts on the day the run happens (a decision may not lie in the future,
/// a go-live date not in the past).
pub struct Dates {
    pub today: NaiveDate,
    pub golive: NaiveDate,
}

impl Dates {
    pub fn now() -> Dates {
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Oslo).date_naive();
        Dates {
            today,
            golive: today.checked_add_days(Days::new(120)).expect("a date"),
        }
    }
}

pub fn municipality_body(number: &str) -> Value {
    vedtak_tests::municipality_body(number, &format!("Kommune {number}"))
}

pub fn director(number: &str) -> String {
    vedtak_tests::signing::director(number)
}

/// Runs the whole lifecycle of `number`, which must not be enrolled yet.
pub async fn run(t: &Target, mailbox: &dyn Mailbox, observer: &dyn Observer, number: &str) -> Result<()> {
    let d = Dates::now();
    let (today, golive) = (d.today.to_string(), d.golive.to_string());
    let enrollments = format!("/v1/programs/{PROGRAM}/municipalities");
    let cmd = |c: &str| format!("{enrollments}/{number}/{c}");
    let step = |name: &'static str, started: Instant| observer.step(number, name, started.elapsed());

    let s = Instant::now();
    t.json(
        Method::POST,
        &enrollments,
        municipality_body(number),
        StatusCode::CREATED,
    )
    .await?;
    step("enroll", s).await?;
    let month = &golive[..7];
    command(
        t,
        &cmd("preferences"),
        json!({"preferred_month": month, "end_users": 420}),
        step,
    )
    .await?;
    command(t, &cmd("notice"), json!({}), step).await?;
    let meeting = json!({"body": "kommunestyre", "date": today, "case_number": "2026/1234"});
    command(t, &cmd("meetings"), meeting, step).await?;
    let vote = json!({"body": "kommunestyre", "date": today, "case_number": "2026/1234",
        "members": 27, "present": 25, "votes_for": 25, "votes_against": 0});
    command(t, &cmd("decision"), vote, step).await?;
    command(t, &cmd("exercise"), json!({}), step).await?;

    let s = Instant::now();
    let document = format!("%PDF-1.7\n% Tjenesteavtale for kommune {number}\n%%EOF\n");
    let sha = t.upload(document.into_bytes()).await?;
    step("upload", s).await?;
    let agreement = json!({"title": "Tjenesteavtale", "document_sha256": sha});
    let sent = command(t, &cmd("agreement"), agreement, step).await?;
    let version = sent["version"].as_u64().ok_or("the agreement answer has no version")?;

    // One commit per step from here: the director's code request is the next version, their
    // signature the one after (which invites the counterparty), and so on.
    let director = director(number);
    let signers = [
        (
            director.as_str(),
            1..=version,
            ["director_page", "director_code", "director_sign"],
        ),
        (
            COUNTERPARTY_SIGNER,
            version + 2..=version + 2,
            ["counterparty_page", "counterparty_code", "counterparty_sign"],
        ),
    ];
    for (i, (email, invited_at, names)) in signers.into_iter().enumerate() {
        let invitation = mail_text(&mailbox.mail(number, invited_at, email).await?);
        let link = link_in(&invitation);
        let s = Instant::now();
        t.page(Method::GET, &link, &[]).await?;
        step(names[0], s).await?;
        let s = Instant::now();
        t.page(Method::POST, &format!("{link}/code"), &[]).await?;
        step(names[1], s).await?;
        let at = version + 1 + 2 * i as u64;
        let code = code_in(&mail_text(&mailbox.mail(number, at..=at, email).await?));
        let s = Instant::now();
        t.page(Method::POST, &link, &[("consent", "on"), ("code", &code)])
            .await?;
        step(names[2], s).await?;
    }

    command(t, &cmd("golive"), json!({"date": golive, "end_users": 420}), step).await?;
    let live = command(t, &cmd("live"), json!({}), step).await?;
    if live["state"] != "live" {
        return Err(format!("{number} ended in {} instead of live", live["state"]).into());
    }
    Ok(())
}

/// POSTs a command and reports its step (named after the path's last part).
async fn command<F, Fut>(t: &Target, path: &str, body: Value, step: F) -> Result<Value>
where
    F: Fn(&'static str, Instant) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let name = STEPS
        .iter()
        .map(|(n, _)| *n)
        .find(|n| path.ends_with(&format!("/{n}")))
        .ok_or("a command of the lifecycle")?;
    let started = Instant::now();
    let answer = t.json(Method::POST, path, body, StatusCode::OK).await?;
    step(name, started).await?;
    Ok(answer)
}

impl Target {
    async fn json(&self, method: Method, path: &str, body: Value, expect: StatusCode) -> Result<Value> {
        let response = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        if status != expect {
            return Err(format!("{path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }

    async fn upload(&self, bytes: Vec<u8>) -> Result<String> {
        let response = self
            .client
            .post(format!("{}/v1/documents", self.base))
            .bearer_auth(&self.key)
            .header("content-type", "application/pdf")
            .body(bytes)
            .send()
            .await?;
        if response.status() != StatusCode::CREATED {
            return Err(format!("upload: {} {}", response.status(), response.text().await?).into());
        }
        let meta: Value = response.json().await?;
        Ok(meta["sha256"].as_str().ok_or("no sha256")?.to_owned())
    }

    /// A signer's request to a signing page: a GET, or a same-origin form post as a browser
    /// sends it.
    async fn page(&self, method: Method, path: &str, form: &[(&str, &str)]) -> Result<()> {
        let mut request = self.client.request(method.clone(), format!("{}{path}", self.base));
        if method == Method::POST {
            request = request.header("sec-fetch-site", "same-origin").form(form);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if status != StatusCode::OK {
            return Err(format!("{method} {path}: {status} {text}").into());
        }
        Ok(())
    }
}
