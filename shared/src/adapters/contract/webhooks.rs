//! Contract checks for webhooks: subscriptions per program, deliveries created once and listed
//! newest first, the pending ones found when their next try is due, and inbound secrets.
//!
//! Deliveries live in February 2021, before every other check's records, and no other check
//! makes any. `deliveries_due` looks across all subscriptions, so its check asks only about the
//! first hour of 2021-02-18 19:00 UTC, and the listing check's deliveries are due a day later.

use super::fixtures::*;
use super::ok;
use crate::ports::Store;
use crate::webhooks::{Attempt, Delivery, DeliveryStatus, WebhookSecret};
use chrono::{DateTime, Duration, TimeZone, Utc};

/// `minutes` after 2021-02-18 19:00 UTC.
fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 2, 18, 19, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn attempt(when: DateTime<Utc>, status: Option<u16>, error: Option<&str>) -> Attempt {
    Attempt {
        at: when,
        status,
        error: error.map(str::to_owned),
        duration_ms: 120,
    }
}

/// `d` after a try at `when` that failed, due again at `next`.
fn retried(d: &Delivery, when: DateTime<Utc>, next: DateTime<Utc>) -> Delivery {
    let mut d = d.clone();
    d.attempts.push(attempt(when, Some(503), Some("HTTP 503")));
    d.next_attempt_at = Some(next);
    d
}

/// `d` after a try at `when` that ended it: delivered (2xx) or failed for good.
fn ended(d: &Delivery, when: DateTime<Utc>, status: DeliveryStatus) -> Delivery {
    let mut d = d.clone();
    let code = if status == DeliveryStatus::Delivered { 200 } else { 410 };
    d.attempts.push(attempt(when, Some(code), None));
    d.status = status;
    d.next_attempt_at = None;
    d
}

fn ids(deliveries: &[Delivery]) -> Vec<(&str, &str)> {
    deliveries
        .iter()
        .map(|d| (d.subscription.as_str(), d.id.as_str()))
        .collect()
}

pub async fn subscriptions_per_program(store: &dyn Store) {
    let (p, other) = ("ct-webhooks", "ct-webhooks-other");
    // Put out of order: listing orders by id.
    let [b, a, c] = [
        "wh_ct00000000000000000000b",
        "wh_ct00000000000000000000a",
        "wh_ct00000000000000000000c",
    ]
    .map(|id| subscription(p, id));
    for s in [&b, &a, &c] {
        ok(store.put_subscription(s).await, "put_subscription");
    }
    let elsewhere = subscription(other, "wh_ct00000000000000000000d");
    ok(store.put_subscription(&elsewhere).await, "put_subscription");

    assert_eq!(
        ok(store.subscription(&a.program, &a.id).await, "subscription"),
        Some(a.clone()),
        "a subscription reads back"
    );
    assert_eq!(
        ok(store.subscriptions(&a.program).await, "subscriptions"),
        [a.clone(), b.clone(), c.clone()],
        "a program's subscriptions, ordered by id, and only its own"
    );
    assert_eq!(
        ok(store.subscriptions(&elsewhere.program).await, "subscriptions"),
        std::slice::from_ref(&elsewhere),
        "the other program's"
    );
    assert_eq!(
        ok(store.subscription(&elsewhere.program, &a.id).await, "subscription"),
        None,
        "a subscription is found only in its own program"
    );
    assert_eq!(
        ok(store.subscription(&a.program, "wh_missing").await, "subscription"),
        None,
        "an unknown id is None"
    );
    assert!(
        ok(store.subscriptions(&pid("ct-webhooks-none")).await, "subscriptions").is_empty(),
        "a program without subscriptions has none"
    );

    // A rotation and a disabling replace the subscription.
    let mut changed = b.clone();
    changed.secrets.insert(
        0,
        WebhookSecret {
            secret: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD".into(),
            created_at: t0() + Duration::days(1),
            expires_at: None,
        },
    );
    changed.secrets[1].expires_at = Some(t0() + Duration::days(2));
    changed.enabled = false;
    changed.disabled_reason = Some("410 Gone".into());
    ok(store.put_subscription(&changed).await, "put_subscription again");
    assert_eq!(
        ok(store.subscription(&b.program, &b.id).await, "subscription"),
        Some(changed.clone()),
        "putting again replaces"
    );
    assert_eq!(
        ok(store.subscriptions(&a.program).await, "subscriptions"),
        [a, changed, c],
        "a replaced subscription is listed once"
    );
}

pub async fn deliveries_created_once_newest_first(store: &dyn Store) {
    let p = "ct-webhooks";
    let (mine, theirs) = ("wh_ct00000000000000000001a", "wh_ct00000000000000000001b");
    // A day after `deliveries_due_when_pending` looks: none of these is due there.
    let day = 24 * 60;
    let [first, second, third] = [0, 1, 2].map(|i| delivery(mine, p, at(day + i), &format!("{i:016x}")));
    let elsewhere = delivery(theirs, p, at(day + 3), "00000000000000ff");
    // Created out of order: listing orders by id (that is, by time).
    for d in [&second, &third, &first, &elsewhere] {
        assert!(
            ok(store.create_delivery(d).await, "create_delivery"),
            "a new delivery is created"
        );
    }
    assert_eq!(
        ok(store.delivery(mine, &first.id).await, "delivery"),
        Some(first.clone()),
        "a delivery reads back"
    );

    let tried = retried(&first, at(day), at(day + 5));
    ok(store.update_delivery(&tried).await, "update_delivery");
    assert_eq!(
        ok(store.delivery(mine, &first.id).await, "delivery"),
        Some(tried.clone()),
        "an update reads back"
    );
    let mut again = first.clone();
    again.body = r#"{"type":"enrollment.state_changed","data":"a second fan-out"}"#.into();
    assert!(
        !ok(store.create_delivery(&again).await, "create_delivery"),
        "creating a delivery whose id is taken says so"
    );
    assert_eq!(
        ok(store.delivery(mine, &first.id).await, "delivery"),
        Some(tried.clone()),
        "and changes nothing"
    );

    assert_eq!(
        ids(&ok(store.deliveries(mine, 10).await, "deliveries")),
        ids(&[third.clone(), second.clone(), tried.clone()]),
        "newest first, only this subscription's"
    );
    assert_eq!(
        ok(store.deliveries(mine, 2).await, "deliveries"),
        [third, second],
        "at most `limit`, the newest"
    );
    assert!(
        ok(store.deliveries(mine, 0).await, "deliveries").is_empty(),
        "a limit of 0 is none"
    );
    assert_eq!(
        ok(store.deliveries(theirs, 10).await, "deliveries"),
        [elsewhere],
        "the other subscription's"
    );
    assert!(
        ok(store.deliveries("wh_missing", 10).await, "deliveries").is_empty(),
        "an unknown subscription has none"
    );
    assert_eq!(
        ok(store.delivery(theirs, &first.id).await, "delivery"),
        None,
        "a delivery is found only under its own subscription"
    );
    assert_eq!(
        ok(store.delivery(mine, "msg_missing").await, "delivery"),
        None,
        "an unknown id is None"
    );
}

pub async fn deliveries_due_when_pending(store: &dyn Store) {
    let p = "ct-webhooks-due";
    let (x, y) = ("wh_ct00000000000000000002x", "wh_ct00000000000000000002y");
    // Created at 19:00 and after, each due at the minute its name says.
    let pending = |sub: &str, created: i64, hex: &str, due: DateTime<Utc>| {
        let mut d = delivery(sub, p, at(created), hex);
        d.next_attempt_at = Some(due);
        d
    };
    let d5 = pending(x, 0, "05", at(5));
    let d1 = pending(y, 1, "01", at(1));
    let d3 = pending(x, 2, "03", at(3));
    let d60 = pending(x, 3, "60", at(60));
    // Same next try: the lower id first, whatever the subscription.
    let tie_low = pending(y, 4, "07a", at(7));
    let tie_high = pending(x, 4, "07b", at(7));
    // Within one millisecond: the exact instant decides, not the id.
    let sub_ms_late = pending(x, 5, "08a", at(8) + Duration::microseconds(900));
    let sub_ms_early = pending(y, 5, "08b", at(8) + Duration::microseconds(100));
    // A next try left on a delivered one does not make it due: only pending ones are.
    let mut delivered = ended(&pending(x, 6, "0d", at(0)), at(0), DeliveryStatus::Delivered);
    delivered.next_attempt_at = Some(at(0));
    let failed = ended(&pending(y, 6, "0f", at(0)), at(0), DeliveryStatus::Failed);
    let mut unscheduled = pending(x, 7, "0e", at(0));
    unscheduled.next_attempt_at = None;
    for d in [
        &d5,
        &d1,
        &d3,
        &d60,
        &tie_high,
        &tie_low,
        &sub_ms_late,
        &sub_ms_early,
        &delivered,
        &failed,
        &unscheduled,
    ] {
        assert!(ok(store.create_delivery(d).await, "create_delivery"), "created");
    }

    let due =
        |now: DateTime<Utc>, limit: usize| async move { ok(store.deliveries_due(now, limit).await, "deliveries_due") };
    assert_eq!(
        ids(&due(at(10), 20).await),
        ids(&[
            d1.clone(),
            d3.clone(),
            d5.clone(),
            tie_low.clone(),
            tie_high.clone(),
            sub_ms_early.clone(),
            sub_ms_late.clone()
        ]),
        "pending and due only, earliest first; never a delivered, failed or unscheduled one"
    );
    assert_eq!(
        due(at(10), 3).await,
        [d1.clone(), d3.clone(), d5.clone()],
        "at most `limit`, the earliest"
    );
    assert_eq!(
        ids(&due(at(10), 4).await),
        ids(&[d1.clone(), d3.clone(), d5.clone(), tie_low.clone()]),
        "a tie cut by `limit` keeps the lower id"
    );
    assert_eq!(
        ids(&due(at(10), 6).await),
        ids(&[
            d1.clone(),
            d3.clone(),
            d5.clone(),
            tie_low.clone(),
            tie_high.clone(),
            sub_ms_early.clone()
        ]),
        "within a millisecond, a limit keeps the earlier"
    );
    assert_eq!(
        due(at(1), 20).await,
        std::slice::from_ref(&d1),
        "due at exactly its next try"
    );
    assert!(
        due(at(1) - Duration::milliseconds(1), 20).await.is_empty(),
        "nothing before its time"
    );
    assert!(due(at(10), 0).await.is_empty(), "a limit of 0 is none");

    // Delivered, retried later, failed for good: the index follows each update.
    ok(
        store
            .update_delivery(&ended(&d1, at(1), DeliveryStatus::Delivered))
            .await,
        "update_delivery",
    );
    let d3_retry = retried(&d3, at(3), at(30));
    ok(store.update_delivery(&d3_retry).await, "update_delivery");
    ok(
        store.update_delivery(&ended(&d5, at(5), DeliveryStatus::Failed)).await,
        "update_delivery",
    );
    for d in [&tie_low, &tie_high, &sub_ms_early, &sub_ms_late] {
        ok(
            store.update_delivery(&ended(d, at(9), DeliveryStatus::Delivered)).await,
            "update_delivery",
        );
    }
    assert!(
        due(at(10), 20).await.is_empty(),
        "a delivered or failed delivery is not due, a retried one not before its next try"
    );
    assert_eq!(
        due(at(30), 20).await,
        std::slice::from_ref(&d3_retry),
        "a retried delivery is due at its next try, with its attempts"
    );

    // A failed delivery retried by hand is pending again.
    let mut by_hand = ended(&d5, at(5), DeliveryStatus::Failed);
    by_hand.status = DeliveryStatus::Pending;
    by_hand.next_attempt_at = Some(at(20));
    ok(store.update_delivery(&by_hand).await, "update_delivery");
    assert_eq!(
        due(at(30), 20).await,
        [by_hand.clone(), d3_retry.clone()],
        "a delivery retried by hand is due again"
    );
    assert_eq!(due(at(60), 20).await, [by_hand, d3_retry, d60], "the latest comes last");
}

pub async fn inbound_secrets_per_municipality(store: &dyn Store) {
    let (p, n) = ("ct-webhooks", "5027");
    let secret = inbound_secret(p, n, "whsec_dGhlIGZpcnN0IGluYm91bmQgc2VjcmV0");
    ok(store.put_inbound_secret(&secret).await, "put_inbound_secret");
    assert_eq!(
        ok(store.inbound_secret(&pid(p), &num(n)).await, "inbound_secret"),
        Some(secret.clone()),
        "an inbound secret reads back"
    );
    let mut rotated = inbound_secret(p, n, "whsec_dGhlIHNlY29uZCBpbmJvdW5kIHNlY3JldA");
    rotated.created_at = secret.created_at + Duration::days(1);
    ok(store.put_inbound_secret(&rotated).await, "put_inbound_secret again");
    assert_eq!(
        ok(store.inbound_secret(&pid(p), &num(n)).await, "inbound_secret"),
        Some(rotated),
        "putting again replaces"
    );
    assert_eq!(
        ok(store.inbound_secret(&pid(p), &num("0301")).await, "inbound_secret"),
        None,
        "another municipality has none"
    );
    assert_eq!(
        ok(
            store.inbound_secret(&pid("ct-webhooks-other"), &num(n)).await,
            "inbound_secret"
        ),
        None,
        "the same number in another program has none"
    );
}
