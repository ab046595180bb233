//! Every port fails once, at every call along a whole lifecycle, in both ways (the call has no
//! effect, or it took effect and its answer was lost). After each run, with retries by the
//! client and by the outbox, the outcome is that of a run without faults: the same state and
//! milestones, a verifying chain, every e-mail sent and every webhook delivered.

use futures::StreamExt;
use vedtak_tests::faults::lifecycle::{self, Outcome};
use vedtak_tests::faults::{Plan, Port, When, PORTS};
use vedtak_tests::receiver::Receiver;
use vedtak_tests::*;

async fn run(plan: &std::sync::Arc<Plan>) -> Outcome {
    let receiver = Receiver::start(&[]).await;
    let app = spawn_with(Options {
        clock_start: Some("2021-02-18T20:00:00+01:00"),
        hold_effects: true,
        wrap_ports: Some(plan.wrapper()),
        ..Default::default()
    })
    .await;
    plan.arm();
    lifecycle::run(&app, &receiver).await
}

#[tokio::test]
async fn a_lifecycle_survives_one_failed_call_of_any_port_at_any_point() {
    let counting = Plan::counting();
    let expected = run(&counting).await;
    assert_eq!(expected.state, "golive_scheduled");
    let calls: Vec<(Port, usize)> = PORTS.iter().map(|p| (*p, counting.calls(*p))).collect();
    eprintln!("calls in a run without faults: {calls:?}");
    assert_eq!(expected.mails.len(), 7, "notice, two links, two codes, two receipts");
    assert!(expected.webhooks.len() >= 5, "{:?}", expected.webhooks);
    let mut cases = Vec::new();
    for (port, count) in calls {
        for k in 1..=count {
            for when in [When::Before, When::After] {
                // VEDTAK_FAULT="Store 72 After" runs that one case alone (to reproduce it).
                let case = format!("{port:?} {k} {when:?}");
                if std::env::var("VEDTAK_FAULT").is_ok_and(|only| only != case) {
                    continue;
                }
                cases.push((case, Plan::failing(port, k, when)));
            }
        }
    }
    // Each case has its own server, store and receiver; most of a run is waiting on I/O, so
    // several run at once.
    let planned = cases.len();
    let runs = futures::stream::iter(cases).map(|(case, plan)| {
        let expected = &expected;
        async move {
            let outcome = run(&plan).await;
            assert_eq!(&outcome, expected, "{case}");
            usize::from(plan.fired())
        }
    });
    let injected: usize = runs.buffer_unordered(8).collect::<Vec<_>>().await.iter().sum();
    assert_eq!(injected, planned, "every planned fault happened");
    eprintln!("faults injected: {injected}, lost events, e-mails or webhooks: 0");
}
