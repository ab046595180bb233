//! What the e-mails say. Pure: an outbox entry in, a `Mail` out. Norwegian bokmål first, then
//! English, because the recipients are Norwegian municipalities and their partners may not be.

use crate::domain::Effect;
use crate::ports::{Mail, OutboxEntry};
use crate::signing::keys::Keys;
use chrono::{DateTime, FixedOffset};

#[path = "mail_signing.rs"]
mod signing;

/// What rendering needs beyond the entry: where links point, and the key that links and
/// one-time codes are derived from (only signing e-mails need it).
pub struct MailContext<'a> {
    pub base_url: &'a str,
    pub keys: Option<&'a Keys>,
}

/// Why an entry could not be rendered (and will be tried again).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub &'static str);

pub fn render(entry: &OutboxEntry, context: &MailContext) -> Result<Mail, RenderError> {
    if let Some(mail) = signing::render(entry, context)? {
        return Ok(mail);
    }
    Ok(match &entry.effect {
        Effect::OptionNotice {
            to,
            program_name,
            counterparty,
            number,
            municipality,
            deadline,
            ..
        } => Mail {
            id: entry.id.clone(),
            to_name: to.name.to_string(),
            to_email: to.email.to_string(),
            subject: format!(
                "Opsjonsvarsel: {program_name} – frist {} / Option notice",
                norwegian_date(deadline)
            ),
            text: option_notice_text(
                &to.name.to_string(),
                program_name,
                counterparty,
                number.as_str(),
                municipality,
                deadline,
            ),
            date: entry.created_at,
        },
        Effect::DeadlineReminder {
            to,
            program_name,
            number,
            municipality,
            deadline,
            days_left,
            ..
        } => Mail {
            id: entry.id.clone(),
            to_name: to.name.to_string(),
            to_email: to.email.to_string(),
            subject: format!(
                "Påminnelse: {days_left} {} til opsjonsfristen {} / Option deadline reminder",
                if *days_left == 1 { "dag" } else { "dager" },
                norwegian_date(deadline)
            ),
            text: reminder_text(
                &to.name.to_string(),
                program_name,
                number.as_str(),
                municipality,
                deadline,
                *days_left,
            ),
            date: entry.created_at,
        },
        _ => return Err(RenderError("not an e-mail")),
    })
}

fn norwegian_date(t: &DateTime<FixedOffset>) -> String {
    t.format("%d.%m.%Y").to_string()
}

fn reminder_text(
    name: &str,
    program: &str,
    number: &str,
    municipality: &str,
    deadline: &DateTime<FixedOffset>,
    days: u32,
) -> String {
    let nb_deadline = deadline.format("%d.%m.%Y kl. %H:%M:%S (UTC%:z)");
    let en_deadline = deadline.format("%Y-%m-%d %H:%M:%S (UTC%:z)");
    let (nb_days, en_days) = if days == 1 { ("1 dag", "1 day") } else { ("", "") };
    let nb_days = if nb_days.is_empty() {
        format!("{days} dager")
    } else {
        nb_days.to_owned()
    };
    let en_days = if en_days.is_empty() {
        format!("{days} days")
    } else {
        en_days.to_owned()
    };
    format!(
        "Hei {name},\n\n\
         Om {nb_days} går fristen ut for {municipality} kommune ({number}) til å utløse opsjonen på {program}: \
         {nb_deadline}. Opsjonen er ennå ikke utløst. Utløses den ikke innen fristen, faller den bort.\n\n\
         ---\n\n\
         Hello {name},\n\n\
         In {en_days} the deadline for the municipality of {municipality} ({number}) to exercise its option on \
         {program} ends: {en_deadline}. The option has not been exercised yet. If it is not exercised by \
         then, it lapses.\n\n\
         -- vedtak\n"
    )
}

fn option_notice_text(
    name: &str,
    program: &str,
    counterparty: &str,
    number: &str,
    municipality: &str,
    deadline: &DateTime<FixedOffset>,
) -> String {
    let nb_deadline = deadline.format("%d.%m.%Y kl. %H:%M:%S (UTC%:z)");
    let en_deadline = deadline.format("%Y-%m-%d %H:%M:%S (UTC%:z)");
    format!(
        "Hei {name},\n\n\
         {municipality} kommune ({number}) har opsjon på {program} hos {counterparty}.\n\
         Opsjonen må utløses innen {nb_deadline}. Saken må behandles politisk i kommunestyret \
         eller formannskapet før opsjonen kan utløses. Utløses den ikke innen fristen, faller den bort.\n\n\
         ---\n\n\
         Hello {name},\n\n\
         The municipality of {municipality} ({number}) holds an option on {program} with {counterparty}.\n\
         The option must be exercised by {en_deadline}. The council or executive committee must \
         decide before the option can be exercised. An option not exercised by then lapses.\n\n\
         -- vedtak\n"
    )
}
