//! Keeps the tool working: the hello-world function, as built for the tests, is spawned twice
//! against the fake Runtime API and must answer both times without touching the AWS endpoints.

use std::path::PathBuf;
use vedtak_coldstart::functions::{Function, Kind};
use vedtak_coldstart::measure;
use vedtak_coldstart::spawn::Output;

#[tokio::test]
async fn the_hello_world_function_answers_its_first_event_twice() {
    let hello = PathBuf::from(env!("CARGO_BIN_EXE_vedtak-coldstart-hello"));
    let function = Function::from_program(Kind::HelloWorld, "hello-world", hello, Vec::new(), "/var/task");
    let measured = measure(&[function], 2, 0, Output::Discard)
        .await
        .expect("local listeners");
    let figures = measured[0].figures();
    assert_eq!(figures.failures, Vec::<String>::new());
    assert_eq!(figures.spawns, 2);
    assert_eq!(figures.aws_connections_until_answer, 0);
    let cold_start = figures.cold_start_ms.expect("two samples");
    assert!(cold_start.min > 0.0 && cold_start.max < 30_000.0, "{cold_start:?}");
    assert!(figures.peak_rss_mib.is_some(), "VmHWM is read on Linux");
}
