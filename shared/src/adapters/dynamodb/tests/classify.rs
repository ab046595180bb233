//! Which DynamoDB errors are a lost race (`Conflict`) and which an outage (`Unavailable`).

use super::super::commit::classify;
use crate::ports::StoreError;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::error::{ThrottlingException, TransactionCanceledException};
use aws_sdk_dynamodb::types::CancellationReason;

fn cancelled(codes: &[&str]) -> StoreError {
    let mut cancel = TransactionCanceledException::builder().message("Transaction cancelled");
    for code in codes {
        cancel = cancel.cancellation_reasons(CancellationReason::builder().code(*code).build());
    }
    let err = TransactWriteItemsError::TransactionCanceledException(cancel.build());
    let labels: Vec<String> = (0..codes.len()).map(|i| format!("item {i}")).collect();
    classify("commit", &labels, SdkError::service_error(err, ()))
}

#[test]
fn a_failed_condition_is_a_conflict_naming_the_item() {
    match cancelled(&["None", "ConditionalCheckFailed"]) {
        StoreError::Conflict(m) => assert_eq!(m, "commit refused: item 1: ConditionalCheckFailed"),
        other => panic!("{other:?}"),
    }
}

/// Real DynamoDB cancels one of two overlapping transactions on the same item this way
/// (DynamoDB Local serializes them instead, so only here is this path exercised).
#[test]
fn a_concurrent_transaction_on_the_same_item_is_a_conflict() {
    assert!(matches!(
        cancelled(&["TransactionConflict", "None"]),
        StoreError::Conflict(_)
    ));
}

#[test]
fn a_cancellation_for_any_other_reason_is_an_outage() {
    for codes in [&["ThrottlingError", "None"][..], &["ValidationError"], &[]] {
        assert!(matches!(cancelled(codes), StoreError::Unavailable(_)), "{codes:?}");
    }
}

#[test]
fn any_other_error_is_an_outage() {
    let err = TransactWriteItemsError::ThrottlingException(ThrottlingException::builder().build());
    let e = classify("commit", &[], SdkError::service_error(err, ()));
    assert!(matches!(e, StoreError::Unavailable(_)), "{e:?}");
    let e = classify::<()>("commit", &[], SdkError::construction_failure("no endpoint"));
    assert!(matches!(e, StoreError::Unavailable(_)), "{e:?}");
}
