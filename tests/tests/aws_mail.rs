//! `SesMailer` against moto's SES v2.

use chrono::{TimeZone, Utc};
use vedtak::adapters::eml::EmlMailer;
use vedtak::adapters::ses::SesMailer;
use vedtak::ports::{Mail, Mailer};
use vedtak_tests::moto;

fn mail(id: &str, to: &str) -> Mail {
    Mail {
        id: id.into(),
        to_name: "Kontakt Melhus".into(),
        to_email: to.into(),
        subject: "Option notice: Helseplattformen".into(),
        text: "Fristen for å utøve opsjonen er 31. oktober 2021.\n".into(),
        date: Utc.with_ymd_and_hms(2021, 9, 1, 8, 0, 0).unwrap(),
    }
}

/// A recipient no other test in this binary uses (moto's state is shared).
fn recipient(tag: &str) -> String {
    format!("post+{tag}-{}@5027.kommune.example", std::process::id())
}

#[tokio::test]
async fn ses_sends_the_very_message_local_mode_writes_to_the_recipient() {
    let mailer = SesMailer::new(moto::sesv2().await, moto::MAIL_FROM);
    let to = recipient("notice");
    let mail = mail("helseplattformen/5027/2/0", &to);
    mailer.send(&mail).await.expect("sent");

    let sent: Vec<_> = moto::sent_emails()
        .await
        .into_iter()
        .filter(|m| m.destinations.iter().any(|d| d.contains(&to)))
        .collect();
    assert_eq!(sent.len(), 1, "one mail to {to}: {sent:?}");
    let sent = &sent[0];
    assert_eq!(sent.destinations[0], to, "the envelope recipient is the mail's");
    assert_eq!(sent.source, "noreply@vedtak.example");
    assert!(
        sent.raw.contains("\r\nSubject: Option notice: Helseplattformen\r\n"),
        "{}",
        sent.raw
    );
    assert!(
        sent.raw
            .contains("\r\nMessage-ID: <helseplattformen_5027_2_0@vedtak>\r\n"),
        "{}",
        sent.raw
    );
    let eml = EmlMailer::new("unused", moto::MAIL_FROM).render(&mail).unwrap();
    assert_eq!(
        sent.raw.as_bytes(),
        eml.as_slice(),
        "byte for byte what local mode writes"
    );
}

#[tokio::test]
async fn a_mail_from_an_unverified_sender_is_refused_with_the_reason() {
    let mailer = SesMailer::new(moto::sesv2().await, "vedtak <someone@unverified.example>");
    let to = recipient("unverified");
    let error = mailer.send(&mail("p/5027/1/0", &to)).await.expect_err("refused");
    assert!(error.0.contains("someone@unverified.example"), "{error}");
    assert!(
        !moto::sent_emails()
            .await
            .iter()
            .any(|m| m.destinations.iter().any(|d| d.contains(&to))),
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_mail_without_an_id_or_with_a_broken_header_is_not_sent() {
    let mailer = SesMailer::new(moto::sesv2().await, moto::MAIL_FROM);
    assert!(mailer.send(&mail("", &recipient("noid"))).await.is_err());
    let mut bad = mail("p/5027/3/0", &recipient("header"));
    bad.subject = "Varsel\r\nBcc: alle@example.org".into();
    assert!(mailer.send(&bad).await.is_err());
}
