//! The item layout, without a DynamoDB: keys, the sparse index attributes, TTL and sizes. The
//! behaviour against a real DynamoDB (DynamoDB Local) is tested in `tests/tests/aws_store.rs`.

use super::items::*;
use crate::adapters::aws_schema::table;
use crate::adapters::contract::fixtures::*;
use crate::domain::State;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{Duration, TimeZone, Utc};

mod classify;
mod sizes;

fn attr<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name).and_then(|v| v.as_s().ok()).map(String::as_str)
}

/// Bytes DynamoDB bills for an item: attribute names plus values (strings as UTF-8, numbers
/// about one byte per two digits; counted as their text here, which overstates them a little).
pub(super) fn item_bytes(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| {
            name.len()
                + match value {
                    AttributeValue::S(s) | AttributeValue::N(s) => s.len(),
                    _ => 0,
                }
        })
        .sum()
}

#[test]
fn instants_are_fixed_width_utc_so_text_order_is_time_order() {
    let a = Utc.with_ymd_and_hms(2030, 6, 30, 21, 59, 59).unwrap();
    let b = a + Duration::milliseconds(5);
    assert_eq!(instant(a), "2030-06-30T21:59:59.000Z");
    assert_eq!(instant(b), "2030-06-30T21:59:59.005Z");
    assert!(instant(a) < instant(b));
}

#[test]
fn the_due_bound_takes_every_id_at_that_instant_and_nothing_later() {
    let t = Utc.with_ymd_and_hms(2030, 1, 1, 8, 0, 0).unwrap();
    let bound = due_before(t);
    for id in ["a", "zzz/9999/99/9", "~~~", "\u{10FFFF}"] {
        assert!(format!("{}#{id}", instant(t)) < bound, "{id} at the instant is due");
        let later = t + Duration::milliseconds(1);
        assert!(
            format!("{}#{id}", instant(later)) > bound,
            "{id} a millisecond later is not"
        );
    }
}

#[test]
fn event_sort_keys_order_as_numbers() {
    assert!(event_sk(9) < event_sk(10));
    assert!(event_sk(99) < event_sk(100));
    assert_eq!(event_sk(1), "V#00000000000000000001");
}

#[test]
fn an_open_enrollment_is_in_the_deadline_index_and_a_closed_one_is_not() {
    let c = next_commit("helseplattformen", "5027", None, 1);
    let item = enrollment_item(&c.enrollment).unwrap();
    assert_eq!(attr(&item, table::PARTITION_KEY), Some("P#helseplattformen"));
    assert_eq!(attr(&item, table::SORT_KEY), Some("E#5027"));
    assert_eq!(item.get(VERSION), Some(&AttributeValue::N("1".into())));
    assert_eq!(attr(&item, table::DUE_PARTITION_KEY), Some(table::DUE_DEADLINE));
    // 2030-06-30 23:59:59 in Oslo (CEST, +02:00) is 21:59:59 UTC.
    assert_eq!(
        attr(&item, table::DUE_SORT_KEY),
        Some("2030-06-30T21:59:59.000Z#helseplattformen#5027")
    );
    for state in State::ALL {
        let mut e = c.enrollment.clone();
        e.state = state;
        let item = enrollment_item(&e).unwrap();
        assert_eq!(
            item.contains_key(table::DUE_PARTITION_KEY) && item.contains_key(table::DUE_SORT_KEY),
            state.is_before_exercise(),
            "{state}: in the index exactly while the option is open"
        );
    }
}

#[test]
fn outbox_items_are_indexed_by_their_next_attempt() {
    let c = next_commit("helseplattformen", "5027", None, 1);
    let item = outbox_item(&c.outbox[0]).unwrap();
    assert_eq!(
        attr(&item, table::PARTITION_KEY),
        Some("OUTBOX#helseplattformen/5027/1/0")
    );
    assert_eq!(attr(&item, table::SORT_KEY), Some("OUTBOX"));
    assert_eq!(attr(&item, table::DUE_PARTITION_KEY), Some(table::DUE_OUTBOX));
    assert_eq!(
        attr(&item, table::DUE_SORT_KEY),
        Some("2030-01-01T08:01:00.000Z#helseplattformen/5027/1/0")
    );
}

#[test]
fn webhook_items_live_beside_their_program_and_under_their_subscription() {
    let sub = subscription("helseplattformen", "wh_0123456789abcdef01234567");
    let item = subscription_item(&sub).unwrap();
    assert_eq!(attr(&item, table::PARTITION_KEY), Some("P#helseplattformen"));
    assert_eq!(attr(&item, table::SORT_KEY), Some("WH#wh_0123456789abcdef01234567"));
    assert!(!item.contains_key(table::DUE_PARTITION_KEY));
    let secret = inbound_secret("helseplattformen", "5027", "whsec_c2VjcmV0");
    let item = inbound_secret_item(&secret).unwrap();
    assert_eq!(attr(&item, table::PARTITION_KEY), Some("P#helseplattformen"));
    assert_eq!(attr(&item, table::SORT_KEY), Some("INBOUND#5027"));
    assert_eq!(decode::<crate::webhooks::InboundSecret>(&item).unwrap(), secret);
}

#[test]
fn a_pending_delivery_is_in_the_due_index_and_an_ended_one_is_not() {
    use crate::webhooks::DeliveryStatus;
    let created = Utc.with_ymd_and_hms(2021, 2, 18, 19, 0, 0).unwrap();
    let d = delivery("wh_0123456789abcdef01234567", "helseplattformen", created, "00ff");
    let item = delivery_item(&d).unwrap();
    assert_eq!(
        attr(&item, table::PARTITION_KEY),
        Some("WH#wh_0123456789abcdef01234567")
    );
    assert_eq!(attr(&item, table::SORT_KEY), Some("D#msg_20210218T190000000_00ff"));
    assert_eq!(attr(&item, table::DUE_PARTITION_KEY), Some(table::DUE_DELIVERY));
    assert_eq!(
        attr(&item, table::DUE_SORT_KEY),
        Some("2021-02-18T19:00:00.000Z#msg_20210218T190000000_00ff")
    );
    assert_eq!(decode::<crate::webhooks::Delivery>(&item).unwrap(), d);
    for status in [DeliveryStatus::Delivered, DeliveryStatus::Failed] {
        let ended = crate::webhooks::Delivery { status, ..d.clone() };
        let item = delivery_item(&ended).unwrap();
        assert!(
            !item.contains_key(table::DUE_PARTITION_KEY) && !item.contains_key(table::DUE_SORT_KEY),
            "{status:?}: not in the index, even with a next try left on it"
        );
    }
    let unscheduled = crate::webhooks::Delivery {
        next_attempt_at: None,
        ..d
    };
    assert!(!delivery_item(&unscheduled)
        .unwrap()
        .contains_key(table::DUE_PARTITION_KEY));
}

#[test]
fn an_idempotency_record_expires_seven_days_after_it_was_created() {
    let record = idempotency("key:k1", "{}");
    let item = idempotency_item(&record).unwrap();
    let expected = (t0() + Duration::days(7)).timestamp().to_string();
    assert_eq!(item.get(table::TTL_ATTRIBUTE), Some(&AttributeValue::N(expected)));
    assert_eq!(attr(&item, table::PARTITION_KEY), Some("IDEM#key:k1"));
}

#[test]
fn a_key_and_its_hash_are_two_items_and_the_hash_item_carries_the_key() {
    let k = api_key("abc123", "secret", "helseplattformen");
    let item = api_key_item(&k).unwrap();
    assert_eq!(attr(&item, table::PARTITION_KEY), Some("KEY#abc123"));
    let index = api_key_hash_item(&k).unwrap();
    assert_eq!(
        attr(&index, table::PARTITION_KEY).unwrap(),
        format!("KEYHASH#{}", k.hash)
    );
    assert_eq!(attr(&index, KEY_ID), Some("abc123"));
    let copy: crate::auth::ApiKey = decode(&index).unwrap();
    assert_eq!(copy, k, "one read authenticates");
}

#[test]
fn records_read_back_from_their_items() {
    let c = next_commit("helseplattformen", "5027", None, 3);
    let e: crate::domain::Enrollment = decode(&enrollment_item(&c.enrollment).unwrap()).unwrap();
    assert_eq!(e, c.enrollment);
    let ev: crate::chain::Event = decode(&event_item(&e.program, &e.number, &c.events[2]).unwrap()).unwrap();
    assert_eq!(ev, c.events[2]);
    let broken = key("P#x".into(), "E#5027");
    assert!(matches!(
        decode::<crate::domain::Enrollment>(&broken),
        Err(crate::ports::StoreError::Unavailable(_))
    ));
}
