//! `SesMailer`: sends each e-mail through Amazon SES (API v2) as a raw RFC 5322 message.
//!
//! The message is rendered by `eml`, the very renderer local mode writes `.eml` files with, so a
//! mail is byte for byte the same message on both backends, with the same Message-ID taken from
//! the mail's stable id. SES has no idempotency key: a mail sent again by the at-least-once
//! dispatcher is delivered again, and the unchanged Message-ID is what lets a receiver (and a
//! person) see that it is one mail.

use super::eml::{parse_sender, render, sanitize_id};
use crate::ports::{Mail, MailError, Mailer};
use async_trait::async_trait;
use aws_sdk_sesv2::error::DisplayErrorContext;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use lettre::message::Mailbox;

/// Sends mail from one sender through SES.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    /// A mailbox such as `vedtak <noreply@vedtak.example>`; its address must be an identity
    /// verified in SES (or belong to a verified domain).
    from: String,
}

impl SesMailer {
    /// A bad `from` makes every `send` fail; use `try_new` to find out at start-up instead.
    pub fn new(client: aws_sdk_sesv2::Client, from: impl Into<String>) -> Self {
        Self {
            client,
            from: from.into(),
        }
    }

    /// Like `new`, but refuses a `from` that is not a mailbox.
    pub fn try_new(client: aws_sdk_sesv2::Client, from: impl Into<String>) -> Result<Self, MailError> {
        let mailer = Self::new(client, from);
        mailer.sender()?;
        Ok(mailer)
    }

    fn sender(&self) -> Result<Mailbox, MailError> {
        parse_sender(&self.from)
    }

    /// The whole message as SES receives it: exactly what `EmlMailer` writes for the same mail.
    pub fn render(&self, mail: &Mail) -> Result<Vec<u8>, MailError> {
        render(&self.from, mail)
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        if sanitize_id(&mail.id).is_empty() {
            return Err(MailError("a mail needs an id".into()));
        }
        let raw = self.render(mail)?;
        let message = RawMessage::builder()
            .data(Blob::new(raw))
            .build()
            .map_err(|e| MailError(format!("cannot build the SES message: {e}")))?;
        // The envelope sender and recipient as bare addresses; the display names are in the
        // message's own From and To headers.
        let from = self.sender()?.email.to_string();
        self.client
            .send_email()
            .from_email_address(from)
            .destination(Destination::builder().to_addresses(mail.to_email.clone()).build())
            .content(EmailContent::builder().raw(message).build())
            .send()
            .await
            .map(drop)
            // The error's code and message, never the request (which carries the signature).
            .map_err(|e| {
                MailError(format!(
                    "SES SendEmail to {}: {}",
                    mail.to_email,
                    DisplayErrorContext(&e)
                ))
            })
    }
}
