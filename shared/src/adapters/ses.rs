//! SES `Mailer`: being written.
