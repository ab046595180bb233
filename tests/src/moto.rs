//! moto's server as the S3, SES, Secrets Manager and SQS stand-in: started once per test binary
//! on a free loopback port, shared by every test in it, and gone when the test process is.
//!
//! The executable is `$VEDTAK_MOTO_SERVER`, else `infra/.tools/venv/bin/moto_server` (what
//! `infra/install-tools.sh` installs). It runs under a small `sh` watchdog that kills it as soon
//! as the test process no longer exists: a test binary ends with `exit`, without running
//! destructors, so nothing inside it could be relied on to stop the server.
//!
//! moto keeps one state for the whole binary, so every test makes its own bucket
//! ([`fresh_bucket`]), queue ([`fresh_queue`]) and recipients, and looks only at those.
//!
//! What moto 5.2 does and does not do, as far as vedtak is concerned:
//! - S3: Object Lock with default retention, versioning, public access block, default
//!   encryption, `If-None-Match: *` on PutObject: yes. It stores the `x-amz-checksum-sha256` it
//!   is given without verifying it, does not check presigned signatures (so no presigned header
//!   is enforced), and treats a bucket policy's `Bool` condition as always true: the TLS-only
//!   policy would deny every object request, which is why `create_bucket` leaves it out over
//!   plain HTTP.
//! - SES v2: `SendEmail` with raw content, refused unless the sender (address or domain) is a
//!   verified identity, so [`sesv2`] verifies [`MAIL_FROM`]'s address. What was sent is read
//!   from moto's state dump, `GET /moto-api/data.json` (`ses.RawMessage`): [`sent_emails`].
//! - Secrets Manager: CreateSecret, PutSecretValue, GetSecretValue (by name or ARN), with the
//!   real service's `ResourceNotFoundException` for a secret that does not exist.
//! - SQS (the JSON protocol of today's SDK): CreateQueue (standard and FIFO), SendMessage,
//!   ReceiveMessage, GetQueueAttributes, with FIFO's group and de-duplication ids.

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use vedtak::adapters::s3::create_bucket;

pub const REGION: &str = "eu-north-1";
/// The sender the harness has verified in moto's SES.
pub const MAIL_FROM: &str = "vedtak <noreply@vedtak.example>";
const MAIL_FROM_ADDRESS: &str = "noreply@vedtak.example";

static MOTO: OnceLock<String> = OnceLock::new();

/// `http://127.0.0.1:PORT` of this binary's moto, started on first use.
pub fn endpoint() -> String {
    MOTO.get_or_init(start).clone()
}

fn executable() -> PathBuf {
    let missing = "moto not installed: run infra/install-tools.sh (or infra/test.sh)";
    if let Some(path) = std::env::var_os("VEDTAK_MOTO_SERVER").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{missing} (VEDTAK_MOTO_SERVER={} does not exist)",
            path.display()
        );
        return path;
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/.tools/venv/bin/moto_server");
    assert!(path.is_file(), "{missing}");
    path
}

/// Starts moto; a port taken between choosing and binding it is retried with another.
fn start() -> String {
    let exe = executable();
    let mut last_error = String::new();
    for _ in 0..3 {
        let port = free_port();
        match launch(&exe, port) {
            Ok(()) => return format!("http://127.0.0.1:{port}"),
            Err(e) => last_error = e,
        }
    }
    panic!("moto did not start: {last_error}");
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

fn launch(exe: &std::path::Path, port: u16) -> Result<(), String> {
    let log = std::env::temp_dir().join(format!("vedtak-moto-{}-{port}.log", std::process::id()));
    // $1 moto_server, $2 port, $3 the test process, $4 moto's log. The loop polls both: it ends
    // when the test process is gone (then it stops moto) or when moto is (then there is nothing
    // to watch). The log is removed with it.
    let watchdog = r#"
        "$1" -H 127.0.0.1 -p "$2" >"$4" 2>&1 &
        moto=$!
        while kill -0 "$3" 2>/dev/null && kill -0 "$moto" 2>/dev/null; do sleep 1; done
        kill "$moto" 2>/dev/null
        sleep 2
        kill -9 "$moto" 2>/dev/null
        rm -f "$4"
    "#;
    let mut child: Child = Command::new("sh")
        .arg("-c")
        .arg(watchdog)
        .arg("sh")
        .arg(exe)
        .arg(port.to_string())
        .arg(std::process::id().to_string())
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if answers(address) {
            return Ok(());
        }
        if let Ok(Some(_)) = child.try_wait() {
            let output = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("moto_server on port {port} exited:\n{output}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "moto_server on port {port} did not answer within 60 s (log: {})",
        log.display()
    ))
}

/// Whether an HTTP server answers at `address`.
fn answers(address: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = b"GET /moto-api/data.json HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    let mut head = [0u8; 12];
    stream.write_all(request).is_ok() && stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}

fn credentials() -> Credentials {
    Credentials::new("test", "test", None, None, "moto")
}

/// An S3 client for moto: path-style addressing (moto does not serve bucket subdomains of
/// 127.0.0.1), region eu-north-1, static credentials. Nothing is read from the environment.
pub async fn s3() -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint())
        .credentials_provider(credentials())
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// An SES v2 client for moto, with [`MAIL_FROM`] verified as a sender.
pub async fn sesv2() -> aws_sdk_sesv2::Client {
    let config = aws_sdk_sesv2::Config::builder()
        .behavior_version(aws_sdk_sesv2::config::BehaviorVersion::latest())
        .region(aws_sdk_sesv2::config::Region::new(REGION))
        .endpoint_url(endpoint())
        .credentials_provider(credentials())
        .build();
    let client = aws_sdk_sesv2::Client::from_conf(config);
    // moto (like SES in its sandbox) refuses a sender that is not a verified identity; moto
    // verifies an identity the moment it is created. Creating it again just replaces it.
    client
        .create_email_identity()
        .email_identity(MAIL_FROM_ADDRESS)
        .send()
        .await
        .expect("verify the sender in moto");
    client
}

/// A Secrets Manager client for moto.
pub fn secretsmanager() -> aws_sdk_secretsmanager::Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
        .region(aws_sdk_secretsmanager::config::Region::new(REGION))
        .endpoint_url(endpoint())
        .credentials_provider(credentials())
        .build();
    aws_sdk_secretsmanager::Client::from_conf(config)
}

/// An SQS client for moto.
pub fn sqs() -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::Config::builder()
        .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new(REGION))
        .endpoint_url(endpoint())
        .credentials_provider(credentials())
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// A new, empty queue of this test's own (FIFO when `fifo`); returns the client and its URL.
pub async fn fresh_queue(fifo: bool) -> (aws_sdk_sqs::Client, String) {
    use aws_sdk_sqs::types::QueueAttributeName;
    static N: AtomicU64 = AtomicU64::new(0);
    let client = sqs();
    let name = format!(
        "vedtak-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let create = client.create_queue();
    let create = if fifo {
        // A FIFO queue's name must end in `.fifo`.
        create
            .queue_name(format!("{name}.fifo"))
            .attributes(QueueAttributeName::FifoQueue, "true")
    } else {
        create.queue_name(name)
    };
    let created = create.send().await.expect("create the queue");
    let url = created.queue_url().expect("the queue's URL").to_owned();
    (client, url)
}

/// A new bucket of this test's own, made by `create_bucket` exactly as `vedtak aws-init` makes it.
pub async fn fresh_bucket() -> (aws_sdk_s3::Client, String) {
    static N: AtomicU64 = AtomicU64::new(0);
    let client = s3().await;
    let name = format!(
        "vedtak-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let created = create_bucket(&client, &name, REGION).await.expect("create the bucket");
    assert!(created, "bucket {name} is new");
    (client, name)
}

/// One e-mail moto's SES accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentEmail {
    pub message_id: String,
    /// The sender as given to SendEmail.
    pub source: String,
    /// The envelope recipients, followed by what moto read from the To/Cc/Bcc headers.
    pub destinations: Vec<String>,
    /// The raw RFC 5322 message, exactly as sent.
    pub raw: String,
}

/// Every e-mail moto has accepted so far (raw sends through SES v1 or v2), oldest first.
pub async fn sent_emails() -> Vec<SentEmail> {
    let url = format!("{}/moto-api/data.json", endpoint());
    let data: serde_json::Value = reqwest::get(&url)
        .await
        .and_then(|r| r.error_for_status())
        .expect("moto's state")
        .json()
        .await
        .expect("moto's state is JSON");
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    data["ses"]["RawMessage"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|m| SentEmail {
            message_id: text(&m["id"]),
            source: text(&m["source"]),
            destinations: m["destinations"]
                .as_array()
                .map(|d| d.iter().map(text).collect())
                .unwrap_or_default(),
            raw: text(&m["raw_data"]),
        })
        .collect()
}
