//! Item sizes: the numbers `docs/dynamodb.md` quotes, measured and kept true.

use super::super::items::*;
use super::item_bytes;
use crate::adapters::contract::fixtures::*;

/// A record as large as one gets in practice: a municipality at `golive_scheduled` with its
/// meeting, decision, envelope, go-live date and preferences, and a `decision.recorded` event.
fn realistic() -> (crate::domain::Enrollment, crate::chain::Event) {
    let c = next_commit("helseplattformen", "5027", None, 1);
    let decision = serde_json::json!({
        "body": "kommunestyre", "date": "2030-03-14", "case_number": "2030/01234",
        "members": 35, "present": 33, "votes_for": 20, "votes_against": 13,
        "chair_casting_vote": null, "protocol_sha256": "ab".repeat(32),
        "outcome": "adopted", "unanimous": false,
    });
    let mut e = serde_json::to_value(&c.enrollment).unwrap();
    e["name"] = "Midtre Gauldal".into();
    e["state"] = "golive_scheduled".into();
    e["version"] = 9.into();
    e["meeting"] = serde_json::json!({ "body": "kommunestyre", "date": "2030-03-14", "case_number": "2030/01234" });
    e["decision"] = decision.clone();
    e["exercised_at"] = "2030-03-20T09:15:02.123456Z".into();
    e["envelope_id"] = "env_3f2a9c1e0b7d4e5f8a6b1c2d3e4f5a6b".into();
    e["golive_date"] = "2031-02-01".into();
    e["end_users"] = 1450.into();
    e["preferences"] = serde_json::json!({ "preferred_month": "2031-02", "end_users": 1450 });
    e["last_seq"] = 11.into();
    let enrollment = serde_json::from_value(e).unwrap();
    let at = t0();
    let event = crate::chain::Event::chained(
        4,
        "decision.recorded",
        at,
        at,
        "program_admin:3f2a9c1e0b7d",
        decision,
        &"cd".repeat(32),
    );
    (enrollment, event)
}

/// The sizes `docs/dynamodb.md` quotes, kept true: a command's transaction stays far below
/// DynamoDB's 4 MB, and every item far below its 400 KB. To see them:
/// `cargo test -p vedtak-shared items_are_small -- --nocapture`.
#[test]
fn items_are_small() {
    let c = next_commit("helseplattformen", "5027", None, 1);
    let (e, ev) = realistic();
    let sizes = [
        ("enrollment", item_bytes(&enrollment_item(&e).unwrap())),
        ("event", item_bytes(&event_item(&e.program, &e.number, &ev).unwrap())),
        ("outbox", item_bytes(&outbox_item(&c.outbox[0]).unwrap())),
        (
            "idempotency",
            item_bytes(&idempotency_item(&idempotency("k:1", "{}")).unwrap()),
        ),
    ];
    for (what, bytes) in sizes {
        println!("{what} item: {bytes} B");
        assert!(bytes < 4 * 1024, "{what} item is {bytes} bytes");
    }
}
