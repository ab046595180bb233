//! What the e-mails say. Pure: an outbox entry in, a `Mail` out. Norwegian bokmål first, then
//! English, because the recipients are Norwegian municipalities and their partners may not be.

use crate::domain::Effect;
use crate::ports::{Mail, OutboxEntry};
use chrono::{DateTime, FixedOffset};

pub fn render(entry: &OutboxEntry) -> Mail {
    match &entry.effect {
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
    }
}

fn norwegian_date(t: &DateTime<FixedOffset>) -> String {
    t.format("%d.%m.%Y").to_string()
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
