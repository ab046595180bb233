//! Validated values: what crosses the boundary is checked once, and refused with a reason.

use super::*;
use serde_json::json;

fn refused<T: std::fmt::Debug>(what: &str, input: &str, r: Result<T, ValueError>) {
    match r {
        Err(e) => assert!(!e.0.is_empty(), "{what} {input:?}: empty reason"),
        Ok(v) => panic!("{what} {input:?} was accepted as {v:?}"),
    }
}

// --- municipality numbers ---

#[test]
fn a_municipality_number_is_exactly_four_digits() {
    for ok in ["5027", "0301", "4601", "1101", "9999"] {
        assert_eq!(MunicipalityNumber::parse(ok).unwrap().as_str(), ok);
    }
    for bad in [
        "502",
        "50270",
        "50a7",
        "0000",
        "",
        " 5027",
        "5027 ",
        "-502",
        "+502",
        "５０２７",
        "50 7",
        "5027\n",
        "50.7",
    ] {
        refused("municipality number", bad, MunicipalityNumber::parse(bad));
    }
}

#[test]
fn a_municipality_number_is_checked_when_read_from_json_too() {
    let n: MunicipalityNumber = serde_json::from_value(json!("5027")).unwrap();
    assert_eq!(serde_json::to_value(&n).unwrap(), json!("5027"));
    assert_eq!(n.to_string(), "5027");
    assert_eq!(String::from(n), "5027");
    for bad in [json!("502"), json!("0000"), json!(5027), json!(null)] {
        assert!(
            serde_json::from_value::<MunicipalityNumber>(bad.clone()).is_err(),
            "{bad}"
        );
    }
    assert!(MunicipalityNumber::try_from("50a7".to_owned()).is_err());
}

// --- e-mail addresses ---

#[test]
fn an_ordinary_email_address_is_accepted() {
    for ok in [
        "kari.nordmann@midtre-gauldal.kommune.no",
        "post@mgk.no",
        "ola+vedtak@example.com",
        "o'brien@example.ie",
        "a_b-c%d@sub.domain.example",
    ] {
        assert_eq!(Email::parse(ok).unwrap().as_str(), ok);
    }
    assert_eq!(Email::parse("  post@mgk.no \t").unwrap().as_str(), "post@mgk.no");
}

#[test]
fn an_email_address_that_could_inject_a_mail_header_is_refused() {
    for bad in [
        "a@b.no\r\nBcc: x@y.no",
        "a@b.no\nBcc: x@y.no",
        "a@b.no\rBcc: x@y.no",
        "a\r\nBcc: x@y.no@b.no",
        "a@b.no%0d%0aBcc:x@y.no",
        "a@b.no\u{0}",
        "a\u{0}@b.no",
        "a@b.no\u{85}Bcc: x@y.no",
    ] {
        refused("email", bad, Email::parse(bad));
    }
}

#[test]
fn an_email_address_list_or_display_name_is_refused() {
    for bad in [
        "a@b.no,c@d.no",
        "a@b.no, c@d.no",
        "a@b.no;c@d.no",
        "Kari <a@b.no>",
        "<a@b.no>",
        "a@b.no>",
        "\"Kari\"@b.no",
        "a@b@c.no",
        "a b@c.no",
        "a@b .no",
    ] {
        refused("email", bad, Email::parse(bad));
    }
}

#[test]
fn a_malformed_email_address_is_refused() {
    for bad in [
        "", " ", "a", "a@", "@b.no", "a@b", "a@.b.no", "a@b.no.", "a@b..no", "a@@b.no", "æ@b.no", "a@bø.no",
    ] {
        refused("email", bad, Email::parse(bad));
    }
    let long_local = format!("{}@b.no", "a".repeat(65));
    refused("email", &long_local, Email::parse(&long_local));
    assert!(Email::parse(&format!("{}@b.no", "a".repeat(64))).is_ok());
    let long = format!("a@{}.no", "b".repeat(252));
    refused("email", &long, Email::parse(&long));
    assert!(serde_json::from_value::<Email>(json!("a@b.no\r\nBcc: x@y.no")).is_err());
}

// --- organisation numbers ---

#[test]
fn a_valid_organisation_number_passes_the_mod_11_check() {
    // 9·3 + 7·2 + 4·7 + 7·6 + 6·5 + 0·4 + 6·3 + 7·2 = 173; 173 mod 11 = 8; 11 − 8 = 3.
    assert_eq!(OrgNumber::parse("974760673").unwrap().as_str(), "974760673");
    // 1·3 + 0 + 0 + 1·6 + 0 + 9·4 + 6·3 + 7·2 = 77 ≡ 0 (mod 11): the check digit is 0.
    assert!(OrgNumber::parse("100109670").is_ok());
    // Spaces as people write them are dropped.
    assert_eq!(OrgNumber::parse("974 760 673").unwrap().as_str(), "974760673");
}

#[test]
fn an_organisation_number_with_any_one_digit_changed_is_refused() {
    let good = "974760673";
    for pos in 0..9 {
        for digit in b'0'..=b'9' {
            let mut bytes = good.as_bytes().to_vec();
            if bytes[pos] == digit {
                continue;
            }
            bytes[pos] = digit;
            let changed = String::from_utf8(bytes).unwrap();
            refused("org number", &changed, OrgNumber::parse(&changed));
        }
    }
}

#[test]
fn an_organisation_number_whose_check_digit_would_be_ten_is_never_valid() {
    // 1·3 + 0 + 0 + 0 + 8·5 + 9·4 + 1·3 + 9·2 = 100; 100 mod 11 = 1; 11 − 1 = 10.
    for last in '0'..='9' {
        let n = format!("10008919{last}");
        refused("org number", &n, OrgNumber::parse(&n));
    }
}

#[test]
fn an_organisation_number_of_the_wrong_shape_is_refused() {
    for bad in [
        "",
        "97476067",
        "9747606730",
        "97476067a",
        "974-760-673",
        "NO974760673",
        "974760673MVA",
    ] {
        refused("org number", bad, OrgNumber::parse(bad));
    }
}

#[test]
fn the_api_documents_a_valid_organisation_number_as_its_example() {
    use utoipa::PartialSchema;
    let schema = serde_json::to_value(Counterparty::schema()).unwrap();
    let example = &schema["properties"]["org_number"]["example"];
    let example = example
        .as_str()
        .unwrap_or_else(|| panic!("no org_number example in {schema}"));
    assert!(
        OrgNumber::parse(example).is_ok(),
        "the OpenAPI example org_number {example} fails the mod-11 check"
    );
}

// --- free text ---

#[test]
fn text_is_trimmed_and_never_empty() {
    assert_eq!(Text::parse("  Kari Nordmann \t").unwrap().as_str(), "Kari Nordmann");
    assert_eq!(Text::parse("Kommunedirektør").unwrap().as_str(), "Kommunedirektør");
    for bad in ["", " ", "\t \u{a0}"] {
        refused("text", bad, Text::parse(bad));
    }
}

#[test]
fn text_with_control_characters_is_refused() {
    for bad in [
        "a\nb",
        "a\rb",
        "a\r\nBcc: x@y.no",
        "a\tb",
        "a\u{0}b",
        "a\u{7}b",
        "a\u{1b}[31mb",
        "a\u{7f}b",
        "a\u{85}b",
    ] {
        refused("text", bad, Text::parse(bad));
    }
    // Long text may have lines and tabs, but no other control characters.
    assert_eq!(
        Text::parse_long("line one\nline two\n\tindented").unwrap().as_str(),
        "line one\nline two\n\tindented"
    );
    for bad in ["a\u{0}b", "a\u{1b}b", "a\u{7f}b"] {
        refused("long text", bad, Text::parse_long(bad));
    }
}

#[test]
fn text_has_a_maximum_length_in_characters() {
    assert_eq!(Text::MAX, 200);
    assert!(Text::parse(&"a".repeat(200)).is_ok());
    refused("text", "201 × a", Text::parse(&"a".repeat(201)));
    // Counted in characters, not bytes: 200 × 'ø' is 400 bytes.
    assert!(Text::parse(&"ø".repeat(200)).is_ok());
    refused("text", "201 × ø", Text::parse(&"ø".repeat(201)));
    // Surrounding blanks do not count.
    assert!(Text::parse(&format!("  {}  ", "a".repeat(200))).is_ok());
    assert!(Text::parse_long(&"a".repeat(4000)).is_ok());
    refused("long text", "4001 × a", Text::parse_long(&"a".repeat(4001)));
}

#[test]
fn text_is_checked_when_read_from_json_too() {
    let t: Text = serde_json::from_value(json!("  Ola  ")).unwrap();
    assert_eq!(t.as_str(), "Ola");
    assert!(serde_json::from_value::<Text>(json!("Ola\r\nBcc: x@y.no")).is_err());
    assert!(serde_json::from_value::<Text>(json!("")).is_err());
}

// --- case numbers ---

#[test]
fn a_case_number_accepts_the_common_archive_formats() {
    for ok in [
        "2021/1234",
        "21/00123-4",
        "2021-1234",
        "21/123_4",
        "2021.1234",
        "KS 21/12",
        "12",
    ] {
        assert_eq!(CaseNumber::parse(ok).unwrap().as_str(), ok);
    }
    assert_eq!(CaseNumber::parse(" 2021/1234 ").unwrap().as_str(), "2021/1234");
    assert!(CaseNumber::parse(&"1".repeat(40)).is_ok());
}

#[test]
fn a_case_number_outside_the_safe_alphabet_is_refused() {
    for bad in [
        "",
        "   ",
        "abc",
        "sak/ab",
        "2021/1234;DROP",
        "2021\n1234",
        "2021/12<script>",
        "2021/12\"",
        "2021/12ø",
        "2021\\12",
    ] {
        refused("case number", bad, CaseNumber::parse(bad));
    }
    refused("case number", "41 × 1", CaseNumber::parse(&"1".repeat(41)));
}

// --- program ids ---

#[test]
fn a_program_id_is_a_lower_case_slug() {
    for ok in ["helseplattformen", "hp-2021", "ab", "a1", &"a".repeat(64)] {
        assert_eq!(ProgramId::parse(ok).unwrap().as_str(), ok);
    }
}

#[test]
fn a_program_id_that_could_traverse_a_path_or_split_a_key_is_refused() {
    for bad in [
        "", "a", "Helse", "HELSE", "helse/x", "helse.x", "..", "../etc", "helse#1", "helse_x", "helse x", "-helse",
        "helse-", "hæ", "helse%2f", "helse\n",
    ] {
        refused("program id", bad, ProgramId::parse(bad));
    }
    refused("program id", "65 × a", ProgramId::parse(&"a".repeat(65)));
}

// --- months ---

#[test]
fn a_year_month_is_written_yyyy_mm() {
    let m = YearMonth::parse("2022-11").unwrap();
    assert_eq!((m.year, m.month), (2022, 11));
    assert_eq!(m.to_string(), "2022-11");
    assert_eq!(YearMonth::parse("2023-01").unwrap().to_string(), "2023-01");
    assert!(YearMonth::parse("2022-11").unwrap() < YearMonth::parse("2023-01").unwrap());
    assert_eq!(serde_json::to_value(m).unwrap(), json!("2022-11"));
    assert_eq!(serde_json::from_value::<YearMonth>(json!("2022-11")).unwrap(), m);
}

#[test]
fn a_year_month_of_another_shape_is_refused() {
    for bad in [
        "",
        "2022",
        "2022-13",
        "2022-00",
        "22-11",
        "2022-1",
        "2022/11",
        "2022-11-01",
        "11-2022",
        "abcd-ef",
        " 2022-11",
    ] {
        refused("month", bad, YearMonth::parse(bad));
    }
}

#[test]
fn a_year_month_with_a_sign_in_it_is_refused() {
    // "+1" is two characters and parses as the number 1; it is still not "MM".
    for bad in ["2022-+1", "+202-11", "-202-11"] {
        refused("month", bad, YearMonth::parse(bad));
    }
}

// --- the rest ---

#[test]
fn a_sha256_is_64_hex_characters_kept_in_lower_case() {
    let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_eq!(Sha256Hex::of(b"").as_str(), empty);
    assert_eq!(Sha256Hex::parse(&empty.to_uppercase()).unwrap().as_str(), empty);
    for bad in ["", &empty[1..], &format!("{empty}0"), &"g".repeat(64)] {
        refused("sha256", bad, Sha256Hex::parse(bad));
    }
}

#[test]
fn a_body_is_kommunestyre_or_formannskap() {
    assert_eq!(Body::parse("kommunestyre").unwrap(), Body::Kommunestyre);
    assert_eq!(Body::parse("formannskap").unwrap(), Body::Formannskap);
    assert_eq!(serde_json::to_value(Body::Formannskap).unwrap(), json!("formannskap"));
    for bad in ["Kommunestyre", "bystyre", ""] {
        refused("body", bad, Body::parse(bad));
    }
}
