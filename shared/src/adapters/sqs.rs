//! `SqsDeadLetters`: webhook deliveries that failed for good, each sent as one message to an
//! SQS queue (on AWS, the stack's `WebhookDeadLetterQueue`), so operators find them in one
//! place.
//!
//! The message is [`message`]: the delivery's id (its `webhook-id`), subscription, program,
//! type, status, every try and the exact body that was to be sent. Never a subscription's
//! secret: the delivery holds none, and nothing else goes in. A FIFO queue (its URL ends in
//! `.fifo`) also gets a group (the subscription) and a de-duplication id; a standard queue needs
//! neither. No error ever carries the message: only the queue and what went wrong.

use super::sdk_errors::chain;
use crate::ports::{DeadLetterError, DeadLetters};
use crate::webhooks::Delivery;
use async_trait::async_trait;
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sqs::operation::send_message::SendMessageError;
use serde_json::{json, Value};

pub struct SqsDeadLetters {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

impl SqsDeadLetters {
    /// Makes no request.
    pub fn new(client: aws_sdk_sqs::Client, queue_url: impl Into<String>) -> Self {
        SqsDeadLetters {
            client,
            queue_url: queue_url.into(),
        }
    }

    pub fn queue_url(&self) -> &str {
        &self.queue_url
    }

    fn fifo(&self) -> bool {
        self.queue_url.ends_with(".fifo")
    }
}

/// The message for one failed delivery, with the field names of the deliveries list
/// (`GET …/webhooks/{id}/deliveries`) and the body as the exact text that was to be sent.
pub fn message(delivery: &Delivery) -> Value {
    json!({
        "id": delivery.id,
        "subscription": delivery.subscription,
        "program": delivery.program,
        "type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "created_at": delivery.created_at,
        "body": delivery.body,
    })
}

#[async_trait]
impl DeadLetters for SqsDeadLetters {
    async fn failed(&self, delivery: &Delivery) -> Result<(), DeadLetterError> {
        let mut send = self
            .client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(message(delivery).to_string());
        if self.fifo() {
            // One failure is one message: a delivery that fails again after a retry by hand has
            // more tries, so it is not taken for a duplicate of its first failure.
            send = send
                .message_group_id(&delivery.subscription)
                .message_deduplication_id(format!("{}.{}", delivery.id, delivery.attempts.len()));
        }
        send.send()
            .await
            .map_err(|e| DeadLetterError(format!("SQS queue {}: {}", self.queue_url, describe(&e))))?;
        Ok(())
    }
}

/// What went wrong, from parts that cannot hold the message: the service's error code and
/// message, or the chain of a connection error. Never the SDK's `Display`/`Debug` of the whole
/// error, which for some failures shows the raw request or response.
fn describe(e: &SdkError<SendMessageError>) -> String {
    match e {
        SdkError::ServiceError(service) => {
            let err = service.err();
            match err.code() {
                Some(code) => format!("{code}: {}", err.message().unwrap_or("no message")),
                None => "SQS's answer could not be read".into(),
            }
        }
        SdkError::DispatchFailure(failure) => match failure.as_connector_error() {
            Some(connector) => format!("cannot reach SQS: {}", chain(connector)),
            None => "cannot reach SQS".into(),
        },
        SdkError::TimeoutError(_) => "SQS did not answer in time".into(),
        SdkError::ConstructionFailure(_) => "the request could not be made".into(),
        SdkError::ResponseError(_) => "SQS's response could not be read".into(),
        _ => "unknown error".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::contract::fixtures::{delivery, subscription, t0};
    use crate::webhooks::{Attempt, DeliveryStatus};

    #[test]
    fn the_message_names_the_delivery_and_holds_every_try_and_the_exact_body_but_no_secret() {
        let mut d = delivery("wh_1", "helseplattformen", t0(), "0123456789abcdef0123");
        d.status = DeliveryStatus::Failed;
        d.attempts.push(Attempt {
            at: t0(),
            status: Some(500),
            error: Some("the receiver answered 500".into()),
            duration_ms: 12,
        });
        let m = message(&d);
        assert_eq!(m["id"], d.id);
        assert_eq!(m["subscription"], "wh_1");
        assert_eq!(m["program"], "helseplattformen");
        assert_eq!(m["type"], "enrollment.state_changed");
        assert_eq!(m["status"], "failed");
        assert_eq!(m["attempts"][0]["status"], 500);
        assert_eq!(m["attempts"][0]["error"], "the receiver answered 500");
        assert_eq!(m["body"].as_str(), Some(d.body.as_str()));
        let text = m.to_string();
        let secret = &subscription("helseplattformen", "wh_1").secrets[0].secret;
        assert!(!text.contains(secret.as_str()) && !text.contains("whsec_"), "{text}");
    }

    #[test]
    fn only_a_fifo_queue_is_taken_for_one() {
        let client = aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::Config::builder()
                .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
                .build(),
        );
        let url = "https://sqs.eu-north-1.amazonaws.com/123456789012/vedtak-webhook-dlq";
        assert!(!SqsDeadLetters::new(client.clone(), url).fifo());
        assert!(SqsDeadLetters::new(client, format!("{url}.fifo")).fifo());
    }
}
