use super::*;
use chrono::{TimeZone, Utc};

fn mail() -> Mail {
    Mail {
        id: "helseplattformen/5027/2/0".into(),
        to_name: "Ola Kontakt".into(),
        to_email: "ola@kommune.example".into(),
        subject: "Option notice: Helseplattformen".into(),
        text: "Dear Ola,\n\nthe option deadline is 2030-06-30.\n".into(),
        date: Utc.with_ymd_and_hms(2030, 1, 2, 9, 30, 0).unwrap(),
    }
}

/// Splits an RFC 5322 message into unfolded headers and the body.
fn parse(raw: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = raw.split_once("\r\n\r\n").expect("headers, blank line, body");
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let headers = unfolded
        .split("\r\n")
        .map(|line| {
            let (name, value) = line.split_once(':').expect("a header line has a colon");
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    (headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    let found: Vec<_> = headers.iter().filter(|(n, _)| n == name).collect();
    assert_eq!(found.len(), 1, "exactly one {name} header in {headers:?}");
    &found[0].1
}

#[tokio::test]
async fn writes_one_eml_file_per_mail() {
    let dir = tempfile::tempdir().unwrap();
    let mailer = EmlMailer::try_new(dir.path().join("outbox"), "vedtak <noreply@vedtak.invalid>").unwrap();
    mailer.send(&mail()).await.unwrap();

    let path = dir.path().join("outbox/helseplattformen_5027_2_0.eml");
    assert_eq!(mailer.path_of(&mail().id), path);
    let first = std::fs::read(&path).unwrap();
    let (headers, body) = parse(std::str::from_utf8(&first).unwrap());
    assert_eq!(header(&headers, "to"), "\"Ola Kontakt\" <ola@kommune.example>");
    assert_eq!(header(&headers, "from"), "vedtak <noreply@vedtak.invalid>");
    assert_eq!(header(&headers, "subject"), "Option notice: Helseplattformen");
    assert_eq!(header(&headers, "message-id"), "<helseplattformen_5027_2_0@vedtak>");
    assert_eq!(header(&headers, "date"), "Wed, 02 Jan 2030 09:30:00 +0000");
    assert!(header(&headers, "content-type").starts_with("text/plain; charset=utf-8"));
    // lettre ends the body with one more line break.
    assert_eq!(body.replace("\r\n", "\n").trim_end(), mail().text.trim_end());

    mailer.send(&mail()).await.unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        ["helseplattformen_5027_2_0.eml"],
        "sending twice leaves one file"
    );
    assert_eq!(std::fs::read(&path).unwrap(), first, "with the same bytes");
}

#[tokio::test]
async fn non_ascii_survives_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let mailer = EmlMailer::new(dir.path(), "vedtak <noreply@vedtak.invalid>");
    let mut m = mail();
    m.to_name = "Åse Øvrebø".into();
    m.subject = "Varsel om opsjon – frist".into();
    m.text = "Hei Åse,\n\nfristen er 30. juni.\n".into();
    let raw = String::from_utf8(mailer.render(&m).unwrap()).unwrap();
    assert!(raw.is_ascii(), "headers and body are 7-bit safe after encoding");
    let (headers, _) = parse(&raw);
    assert!(header(&headers, "to").ends_with("<ola@kommune.example>"));
}

#[test]
fn header_injection_and_bad_addresses_are_refused() {
    let mailer = EmlMailer::new("/nonexistent", "vedtak <noreply@vedtak.invalid>");
    let mut m = mail();
    m.subject = "Hi\r\nBcc: someone@evil.example".into();
    assert!(mailer.render(&m).is_err(), "a line break in the subject is refused");
    let mut m = mail();
    m.to_email = "not an address".into();
    assert!(mailer.render(&m).is_err(), "a bad recipient is refused");
    assert!(
        EmlMailer::try_new("/x", "not a mailbox").is_err(),
        "try_new refuses a bad sender"
    );
    let unchecked = EmlMailer::new("/x", "not a mailbox");
    assert!(
        unchecked.render(&mail()).is_err(),
        "and a mailer built without the check cannot send"
    );
}

#[test]
fn ids_become_safe_file_names() {
    assert_eq!(sanitize_id("p/5027/3/0"), "p_5027_3_0");
    assert_eq!(sanitize_id("../../etc/passwd"), "______etc_passwd");
    assert_eq!(sanitize_id("a-b_C9"), "a-b_C9");
    assert_eq!(message_id("p/5027/3/0"), "<p_5027_3_0@vedtak>");
}
