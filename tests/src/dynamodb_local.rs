//! Amazon's DynamoDB Local, started once per test binary, for tests of the DynamoDB adapter
//! against the real wire protocol and the real transaction and condition semantics.
//!
//! The emulator is a plain `std::process::Child`, not a tokio one: every `#[tokio::test]` has a
//! runtime of its own that ends with the test, and the emulator must outlive all of them. It must
//! not outlive the test process, though, and Rust runs no destructors for statics at exit: so it
//! runs under a small `sh` watchdog that kills java as soon as the test process is gone.
//!
//! Where the jar is: `VEDTAK_DYNAMODB_LOCAL_DIR`, else anywhere under `infra/.tools/dynamodb-local`
//! (where `infra/install-tools.sh` puts it).

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::Client;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use vedtak::adapters::dynamodb::DynamoStore;

const READY_TIMEOUT: Duration = Duration::from_secs(60);
const PORT_ATTEMPTS: usize = 5;
/// java's output, in its work directory.
const LOG: &str = "dynamodb-local.log";

struct Emulator {
    endpoint: String,
    /// Held for the life of the process (the watchdog ends java itself). In a `Mutex` only
    /// because a static must be `Sync` and a `Child` is not.
    _watchdog: Mutex<Child>,
}

static EMULATOR: OnceLock<Emulator> = OnceLock::new();

/// The emulator's URL, starting it on first use (which blocks the calling thread for the few
/// seconds java takes to answer; concurrent first callers wait for the same start).
pub fn endpoint() -> String {
    EMULATOR.get_or_init(start).endpoint.clone()
}

/// A client for the emulator. A new one per call: an SDK client's connection pool belongs to the
/// runtime it was first used on, and each test has its own runtime.
pub async fn client() -> Client {
    client_for(&endpoint())
}

/// A client and a new, empty table (named uniquely) created as `vedtak aws-init` creates it.
pub async fn fresh_table() -> (Client, String) {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let client = client().await;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!(
        "vedtak-test-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let created = DynamoStore::create_table(&client, &name)
        .await
        .unwrap_or_else(|e| panic!("creating table {name} on DynamoDB Local: {e}"));
    assert!(created, "table {name} is new");
    (client, name)
}

fn client_for(endpoint: &str) -> Client {
    Client::from_conf(config_for(endpoint).build())
}

fn config_for(endpoint: &str) -> aws_sdk_dynamodb::config::Builder {
    aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("eu-north-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "dynamodb-local"))
}

fn start() -> Emulator {
    let dir = install_dir();
    let mut last_error = String::new();
    for _ in 0..PORT_ATTEMPTS {
        let port = free_port();
        // java's working directory (DynamoDB Local writes a metadata file there) and its log;
        // the watchdog removes it when it ends java.
        let work = std::env::temp_dir().join(format!("vedtak-dynamodb-local-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&work).expect("create a work directory for DynamoDB Local");
        let mut watchdog = spawn(&dir, port, &work);
        let endpoint = format!("http://127.0.0.1:{port}");
        match wait_ready(&endpoint, &mut watchdog) {
            Ok(()) => {
                return Emulator {
                    endpoint,
                    _watchdog: Mutex::new(watchdog),
                }
            }
            Err(e) => {
                let output = std::fs::read_to_string(work.join(LOG)).unwrap_or_default();
                last_error = format!("{e}\n--- DynamoDB Local output ---\n{output}");
                stop(&mut watchdog);
                let _ = std::fs::remove_dir_all(&work);
            }
        }
    }
    panic!("DynamoDB Local did not start after {PORT_ATTEMPTS} attempts: {last_error}");
}

/// TERM, not `Child::kill` (KILL): the watchdog traps TERM to take java down with it.
fn stop(watchdog: &mut Child) {
    let _ = Command::new("kill").arg(watchdog.id().to_string()).status();
    let _ = watchdog.wait();
}

/// The directory holding `DynamoDBLocal.jar` and `DynamoDBLocal_lib`.
fn install_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("VEDTAK_DYNAMODB_LOCAL_DIR") {
        // Absolute: java runs in a directory of its own.
        if let Ok(dir) = std::fs::canonicalize(dir) {
            if dir.join("DynamoDBLocal.jar").is_file() {
                return dir;
            }
        }
    }
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/.tools/dynamodb-local");
    let tools = std::fs::canonicalize(&tools).unwrap_or(tools);
    find_jar(&tools, 8)
        .unwrap_or_else(|| panic!("DynamoDB Local not installed: run infra/install-tools.sh (or infra/test.sh)"))
}

fn find_jar(dir: &Path, depth: u32) -> Option<PathBuf> {
    if dir.join("DynamoDBLocal.jar").is_file() {
        return Some(dir.to_path_buf());
    }
    if depth == 0 {
        return None;
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).collect();
    entries.sort(); // the same jar every time, should there be several versions
    entries
        .iter()
        .filter(|p| p.is_dir())
        .find_map(|p| find_jar(p, depth - 1))
}

/// A port nobody listens on right now. Another process may take it before java binds it: then
/// java exits, `wait_ready` notices, and `start` tries another port.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

/// java in the background under an `sh` loop that ends it (and removes `work`) when the test
/// process (`$1`) is gone or the loop is sent TERM. The loop itself ends when java does, so an
/// early exit (the port was taken after all) is visible to `try_wait`.
fn spawn(dir: &Path, port: u16, work: &Path) -> Child {
    let script = r#"
        tests=$1 work=$4
        java -Djava.library.path="$2/DynamoDBLocal_lib" -jar "$2/DynamoDBLocal.jar" -inMemory -port "$3" \
            >"$work/dynamodb-local.log" 2>&1 &
        java=$!
        finish() { kill "$java" 2>/dev/null; sleep 1; kill -9 "$java" 2>/dev/null; rm -rf "$work"; exit 0; }
        trap finish TERM INT
        while kill -0 "$java" 2>/dev/null; do
            kill -0 "$tests" 2>/dev/null || finish
            sleep 1
        done
        wait "$java"
    "#;
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("vedtak-dynamodb-local")
        .arg(std::process::id().to_string())
        .arg(dir)
        .arg(port.to_string())
        .arg(work)
        .current_dir(work)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sh to run DynamoDB Local (is java installed?)")
}

/// Until the emulator answers `ListTables`. Runs on a runtime of its own, in a thread of its
/// own: the caller may be inside any test's runtime, where blocking on another is not allowed.
fn wait_ready(endpoint: &str, watchdog: &mut Child) -> Result<(), String> {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = watchdog.try_wait() {
            return Err(format!("DynamoDB Local exited ({status}) before it was ready"));
        }
        let endpoint = endpoint.to_owned();
        let answered = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the readiness probe");
            rt.block_on(async {
                // No retries: this loop is the retry, and it watches java meanwhile.
                let config = config_for(&endpoint).retry_config(RetryConfig::disabled()).build();
                let probe = Client::from_conf(config).list_tables().send();
                matches!(tokio::time::timeout(Duration::from_secs(5), probe).await, Ok(Ok(_)))
            })
        })
        .join()
        .unwrap_or(false);
        if answered {
            return Ok(());
        }
        if start.elapsed() > READY_TIMEOUT {
            return Err(format!(
                "DynamoDB Local did not answer ListTables within {}s",
                READY_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
