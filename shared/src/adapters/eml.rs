//! `EmlMailer`: local mode's "sending" is writing each e-mail as an RFC 5322 `.eml` file, which
//! any mail client opens and any test can read.
//!
//! The file name and the Message-ID both come from the mail's stable id (the outbox entry's), and
//! the message carries the mail's own date, so the output is a pure function of the mail:
//! sending it again, as an at-least-once dispatcher will, rewrites the same file with the same
//! bytes. One mail, one file, however often it is sent.

use super::files::{sync_dir, write_atomic, Publish};
use crate::ports::{Mail, MailError, Mailer};
use async_trait::async_trait;
use lettre::message::{Mailbox, SinglePart};
use lettre::Message;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Writes e-mails into `dir` as `<id>.eml`.
#[derive(Debug, Clone)]
pub struct EmlMailer {
    dir: PathBuf,
    /// A mailbox such as `vedtak <noreply@vedtak.invalid>`.
    from: String,
}

impl EmlMailer {
    /// `dir` is created on first use. A bad `from` makes every `send` fail; use `try_new` to
    /// find out at start-up instead.
    pub fn new(dir: impl Into<PathBuf>, from: impl Into<String>) -> Self {
        Self {
            dir: dir.into(),
            from: from.into(),
        }
    }

    /// Like `new`, but refuses a `from` that is not a mailbox.
    pub fn try_new(dir: impl Into<PathBuf>, from: impl Into<String>) -> Result<Self, MailError> {
        let mailer = Self::new(dir, from);
        mailer.sender()?;
        Ok(mailer)
    }

    fn sender(&self) -> Result<Mailbox, MailError> {
        parse_sender(&self.from)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a mail is written to: `<dir>/<sanitized id>.eml`.
    pub fn path_of(&self, mail_id: &str) -> PathBuf {
        self.dir.join(format!("{}.eml", sanitize_id(mail_id)))
    }

    /// The whole message, as it is written to disk.
    pub fn render(&self, mail: &Mail) -> Result<Vec<u8>, MailError> {
        render(&self.from, mail)
    }
}

/// The sender as a mailbox (`name <address>` or a bare address).
pub fn parse_sender(from: &str) -> Result<Mailbox, MailError> {
    from.parse().map_err(|e| MailError(format!("sender {from:?}: {e}")))
}

/// The whole RFC 5322 message for `mail` from `from`: a pure function, so every mailer (files
/// locally, SES on AWS) sends exactly the same bytes, with the same stable Message-ID.
pub fn render(from: &str, mail: &Mail) -> Result<Vec<u8>, MailError> {
    // Names and subjects come from validated text, but a header is the one place where a
    // stray line break would let content become headers: refuse rather than trust.
    for (what, value) in [("recipient name", &mail.to_name), ("subject", &mail.subject)] {
        if value.chars().any(char::is_control) {
            return Err(MailError(format!("{what} contains control characters")));
        }
    }
    let address = mail
        .to_email
        .parse()
        .map_err(|e| MailError(format!("recipient {:?}: {e}", mail.to_email)))?;
    let to = Mailbox::new(Some(mail.to_name.clone()), address);
    let message = Message::builder()
        .from(parse_sender(from)?)
        .to(to)
        .subject(mail.subject.clone())
        .date(SystemTime::from(mail.date))
        .message_id(Some(message_id(&mail.id)))
        .singlepart(SinglePart::plain(mail.text.clone()))
        .map_err(|e| MailError(format!("cannot build the message: {e}")))?;
    Ok(message.formatted())
}

/// The id as a file name: `[A-Za-z0-9-_]` kept, everything else `_`. Outbox ids look like
/// `{program}/{number}/{version}/{index}`, and program ids have no `_`, so distinct ids stay
/// distinct in practice.
pub fn sanitize_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The same id gives the same Message-ID, so a receiver that sees a mail twice knows it is one.
pub fn message_id(id: &str) -> String {
    format!("<{}@vedtak>", sanitize_id(id))
}

#[async_trait]
impl Mailer for EmlMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        if sanitize_id(&mail.id).is_empty() {
            return Err(MailError("a mail needs an id".into()));
        }
        let bytes = self.render(mail)?;
        let dir = self.dir.clone();
        let name = format!("{}.eml", sanitize_id(&mail.id));
        let write = move || -> std::io::Result<()> {
            if !dir.is_dir() {
                std::fs::create_dir_all(&dir)?;
                if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                    sync_dir(parent)?;
                }
            }
            // Replace, not keep: a resend renders the very same bytes, so either is one file,
            // and rename is the most portable atomic step.
            write_atomic(&dir, &name, &bytes, Publish::Replace).map(drop)
        };
        tokio::task::spawn_blocking(write)
            .await
            .map_err(|e| MailError(format!("mail task failed: {e}")))?
            .map_err(|e| MailError(format!("cannot write to {}: {e}", self.dir.display())))
    }
}

#[cfg(test)]
mod tests;
