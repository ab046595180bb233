//! Validated newtypes: every value that crosses the boundary is checked once, here, and is
//! then trusted everywhere inside. A failed parse names what was wrong so the API can answer 422.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value was refused. The caller adds the field name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, ValueError> {
    Err(ValueError(msg.into()))
}

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(s: String) -> Result<Self, ValueError> {
                Self::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

/// Kommunenummer: exactly four ASCII digits, e.g. `5027` (Midtre Gauldal).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MunicipalityNumber(String);
string_newtype!(MunicipalityNumber);

impl MunicipalityNumber {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return err("a municipality number is exactly four digits, e.g. 5027");
        }
        if s == "0000" {
            return err("0000 is not a municipality number");
        }
        Ok(Self(s.to_owned()))
    }
}

/// Program id: a short slug that appears in URLs and storage keys, so nothing that could
/// traverse a path or split a key (`/`, `.`, `#`) is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProgramId(String);
string_newtype!(ProgramId);

impl ProgramId {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let ok_len = (2..=64).contains(&s.len());
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ok_edges = !s.starts_with('-') && !s.ends_with('-');
        if !(ok_len && ok_chars && ok_edges) {
            return err("a program id is 2-64 characters of a-z, 0-9 and '-', e.g. helseplattformen");
        }
        Ok(Self(s.to_owned()))
    }
}

/// An e-mail address. Deliberately strict: it ends up in a mail header, so anything that could
/// inject a header (CR, LF, control characters, commas, angle brackets) is refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
string_newtype!(Email);

impl Email {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let s = s.trim();
        if s.len() > 254 {
            return err("an e-mail address is at most 254 characters");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return err("an e-mail address looks like name@example.no");
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-'".contains(c));
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !(local_ok && domain_ok) {
            return err("an e-mail address looks like name@example.no");
        }
        Ok(Self(s.to_owned()))
    }
}

/// A case number in the municipality's archive (saksnummer), e.g. `2021/1234` or `21/00123-4`.
/// Formats differ between archive systems, so the rule is a safe alphabet, not one format.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNumber(String);
string_newtype!(CaseNumber);

impl CaseNumber {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let s = s.trim();
        let ok = (1..=40).contains(&s.len())
            && s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-_. ".contains(&b));
        if !ok {
            return err("a case number is 1-40 characters of letters, digits and / - _ . with at least one digit, e.g. 2021/1234");
        }
        Ok(Self(s.to_owned()))
    }
}

/// Free text typed by a person: a name, a title, a reason. Trimmed, never empty, bounded, and
/// free of control characters (newlines only where `multiline`), so it is safe in a mail header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text(String);
string_newtype!(Text);

impl Text {
    pub const MAX: usize = 200;

    pub fn parse(s: &str) -> Result<Self, ValueError> {
        Self::parse_with(s, Self::MAX, false)
    }

    pub fn parse_long(s: &str) -> Result<Self, ValueError> {
        Self::parse_with(s, 4000, true)
    }

    fn parse_with(s: &str, max: usize, multiline: bool) -> Result<Self, ValueError> {
        let s = s.trim();
        if s.is_empty() {
            return err("must not be empty");
        }
        if s.chars().count() > max {
            return err(format!("must be at most {max} characters"));
        }
        let bad = |c: char| c.is_control() && !(multiline && (c == '\n' || c == '\t'));
        if s.chars().any(bad) {
            return err("must not contain control characters");
        }
        Ok(Self(s.to_owned()))
    }
}

/// Norwegian organisation number: nine digits with a modulus-11 check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgNumber(String);
string_newtype!(OrgNumber);

impl OrgNumber {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return err("an organisation number is nine digits");
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let weights = [3, 2, 7, 6, 5, 4, 3, 2];
        let sum: u32 = d.iter().zip(weights).map(|(a, w)| a * w).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => return err("not a valid organisation number (check digit)"),
            c => c,
        };
        if check != d[8] {
            return err("not a valid organisation number (check digit)");
        }
        Ok(Self(digits))
    }
}

/// Lower-case hex SHA-256, as used for documents and protocols.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sha256Hex(String);
string_newtype!(Sha256Hex);

impl Sha256Hex {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let ok = s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            return err("a SHA-256 is 64 hexadecimal characters");
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    pub fn of(bytes: &[u8]) -> Self {
        Self(hex::encode(ring::digest::digest(&ring::digest::SHA256, bytes)))
    }
}

/// The political body that decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// Municipal council.
    Kommunestyre,
    /// Executive committee, where the council delegated the case.
    Formannskap,
}

impl Body {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        match s {
            "kommunestyre" => Ok(Self::Kommunestyre),
            "formannskap" => Ok(Self::Formannskap),
            _ => err("body is kommunestyre or formannskap"),
        }
    }
}

/// A calendar month, `YYYY-MM`, e.g. a preferred go-live month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let bad = || ValueError("a month is written YYYY-MM, e.g. 2022-11".into());
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || m.len() != 2 || !digits(y) || !digits(m) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(2000..=2200).contains(&year) {
            return Err(bad());
        }
        Ok(Self { year, month })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for YearMonth {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::parse(&s)
    }
}

impl From<YearMonth> for String {
    fn from(v: YearMonth) -> String {
        v.to_string()
    }
}
