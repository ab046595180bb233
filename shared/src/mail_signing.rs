//! The e-mails of signing: the link, the one-time code, the news that everyone has signed.
//! The link and the code are derived here, at the last moment, from nonces in the outbox entry
//! and the link key: nothing stored before this point can be used to sign.

use super::{MailContext, RenderError};
use crate::domain::Effect;
use crate::ports::{Mail, OutboxEntry};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Oslo;

pub(super) fn render(entry: &OutboxEntry, cx: &MailContext) -> Result<Option<Mail>, RenderError> {
    let base = cx.base_url.trim_end_matches('/');
    let mail = |to_name: &str, to_email: &str, subject: String, text: String| Mail {
        id: entry.id.clone(),
        to_name: to_name.to_owned(),
        to_email: to_email.to_owned(),
        subject,
        text,
        date: entry.created_at,
    };
    let keys = || cx.keys.ok_or(RenderError("signing keys are not available"));
    Ok(Some(match &entry.effect {
        Effect::SigningLink {
            envelope_id,
            signer,
            to_name,
            to_email,
            link_nonce,
            documents,
            title,
            program_name,
            counterparty,
            municipality,
            expires_at,
            reminder,
        } => {
            let token = keys()?
                .link
                .token(envelope_id, *signer, to_email, documents, link_nonce);
            let url = format!("{base}/sign/{token}");
            let (nb_pre, en_pre) = if *reminder {
                ("Påminnelse: ", "Reminder: ")
            } else {
                ("", "")
            };
            let subject = format!("{nb_pre}Til signering: {title} / {en_pre}For signature");
            let text = format!(
                "Hei {to_name},\n\n\
                 {nb_pre}{title} mellom {municipality} kommune og {counterparty} ({program_name}) \
                 er klar til å signeres av deg.\n\n\
                 Les dokumentet og signer her:\n{url}\n\n\
                 Lenken er personlig og kan brukes én gang. Du bekrefter med en engangskode som \
                 sendes til denne e-postadressen. Lenken gjelder til {}.\n\
                 Videresend ikke denne e-posten.\n\n\
                 ---\n\n\
                 Hello {to_name},\n\n\
                 {en_pre}{title} between the municipality of {municipality} and {counterparty} \
                 ({program_name}) is ready for your signature.\n\n\
                 Read the document and sign here:\n{url}\n\n\
                 The link is personal and works once. You confirm with a one-time code sent to this \
                 address. The link is valid until {}. Do not forward this e-mail.\n\n-- vedtak\n",
                nb_time(expires_at),
                en_time(expires_at),
            );
            mail(to_name, to_email, subject, text)
        }
        Effect::SigningCode {
            envelope_id,
            signer,
            to_name,
            to_email,
            nonce,
            title,
            expires_at,
        } => {
            let code = keys()?.link.code(envelope_id, *signer, nonce);
            let subject = "Engangskode for signering / One-time code to sign".to_owned();
            let text = format!(
                "Hei {to_name},\n\nDin engangskode for å signere «{title}» er:\n\n    {code}\n\n\
                 Koden gjelder til {} og kan prøves fem ganger. Har du ikke bedt om den, kan du se \
                 bort fra denne e-posten.\n\n---\n\n\
                 Hello {to_name},\n\nYour one-time code to sign \"{title}\" is:\n\n    {code}\n\n\
                 It is valid until {} and may be tried five times. If you did not ask for it, \
                 ignore this e-mail.\n\n-- vedtak\n",
                nb_time(expires_at),
                en_time(expires_at),
            );
            mail(to_name, to_email, subject, text)
        }
        Effect::EnvelopeCompleted {
            envelope_id,
            to_name,
            to_email,
            title,
        } => {
            let url = format!("{base}/certificates/{envelope_id}");
            let subject = format!("Signert av alle: {title} / Signed by all");
            let text = format!(
                "Hei {to_name},\n\nAlle parter har signert «{title}». Signaturbeviset (forseglet \
                 sertifikat) finner du her:\n{url}\n\n---\n\n\
                 Hello {to_name},\n\nAll parties have signed \"{title}\". The sealed certificate \
                 is here:\n{url}\n\n-- vedtak\n"
            );
            mail(to_name, to_email, subject, text)
        }
        Effect::OptionNotice { .. } | Effect::DeadlineReminder { .. } | Effect::Publish { .. } => return Ok(None),
    }))
}

/// Signers are Norwegian: their times are Oslo time.
fn nb_time(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Oslo).format("%d.%m.%Y kl. %H:%M").to_string()
}

fn en_time(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Oslo).format("%Y-%m-%d %H:%M (Oslo time)").to_string()
}
