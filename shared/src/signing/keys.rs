//! The secrets of signing: the Ed25519 key that seals certificates and the key that signing
//! links and one-time codes are derived from, plus the public keys of retired sealing keys so
//! that certificates sealed before a rotation still verify.
//!
//! They travel as one JSON document (locally a file in the data directory, created at first
//! start with owner-only permissions; on AWS a Secrets Manager secret, fetched at first use):
//! `{"key_id","sealing_key":<base64 PKCS#8>,"link_key":<base64 32 bytes>,"retired_keys":[…]}`.

use super::links::LinkKey;
use super::seal::{KeyError, PublicKey, PublishedKeys, SealingKey};
use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

pub struct Keys {
    pub sealing: SealingKey,
    pub link: LinkKey,
    pub retired: Vec<PublicKey>,
}

/// The configuration form of `Keys`. Never logged, never `Debug`.
#[derive(Serialize, Deserialize)]
struct KeysFile {
    key_id: String,
    sealing_key: String,
    link_key: String,
    #[serde(default)]
    retired_keys: Vec<PublicKey>,
}

impl Keys {
    /// What `/.well-known/vedtak-keys.json` publishes: the current key, then the retired ones.
    pub fn published(&self) -> PublishedKeys {
        let mut keys = vec![self.sealing.public()];
        keys.extend(self.retired.iter().cloned());
        PublishedKeys { keys }
    }

    /// The published keys as pretty JSON: the body of `/.well-known/vedtak-keys.json`.
    pub fn published_json(&self) -> String {
        serde_json::to_string_pretty(&self.published()).expect("published keys serialize")
    }

    /// New keys, and their configuration JSON.
    pub fn generate(key_id: &str) -> (Keys, String) {
        let (sealing, pkcs8) = SealingKey::generate(key_id);
        let (link, link_bytes) = LinkKey::generate();
        let file = KeysFile {
            key_id: key_id.to_owned(),
            sealing_key: B64.encode(pkcs8),
            link_key: B64.encode(link_bytes),
            retired_keys: vec![],
        };
        let json = serde_json::to_string_pretty(&file).expect("keys serialize");
        (
            Keys {
                sealing,
                link,
                retired: vec![],
            },
            json,
        )
    }

    /// The keys after a rotation, and their configuration JSON: a fresh sealing key named
    /// `key_id` takes the place of the current one, which joins the retired keys first (before
    /// those retired earlier), so every certificate sealed so far still verifies against the
    /// published keys. The link key is kept: signing links and codes already sent keep working.
    /// A `key_id` used before is refused (it would make two keys share a name).
    pub fn rotate(json: &str, key_id: &str) -> Result<(Keys, String), KeyError> {
        check_key_id(key_id)?;
        let old = Keys::from_json(json)?;
        let file: KeysFile = serde_json::from_str(json).expect("parsed just above");
        let mut retired = vec![old.sealing.public()];
        retired.extend(old.retired);
        if retired.iter().any(|k| k.key_id == key_id) {
            return Err(KeyError::Rejected(format!(
                "the key id '{key_id}' was used before; choose a new one"
            )));
        }
        let (sealing, pkcs8) = SealingKey::generate(key_id);
        let file = KeysFile {
            key_id: key_id.to_owned(),
            sealing_key: B64.encode(pkcs8),
            link_key: file.link_key,
            retired_keys: retired.clone(),
        };
        let json = serde_json::to_string_pretty(&file).expect("keys serialize");
        let keys = Keys {
            sealing,
            link: old.link,
            retired,
        };
        Ok((keys, json))
    }

    pub fn from_json(json: &str) -> Result<Keys, KeyError> {
        let bad = |what: &str| KeyError::Rejected(what.to_owned());
        let file: KeysFile = serde_json::from_str(json).map_err(|_| bad("the keys are not the expected JSON"))?;
        let pkcs8 = B64
            .decode(&file.sealing_key)
            .map_err(|_| bad("sealing_key is not base64"))?;
        let link = B64.decode(&file.link_key).map_err(|_| bad("link_key is not base64"))?;
        if link.len() < 32 {
            return Err(bad("link_key must be at least 32 bytes"));
        }
        Ok(Keys {
            sealing: SealingKey::from_pkcs8(&file.key_id, &pkcs8)?,
            link: LinkKey::from_bytes(&link),
            retired: file.retired_keys,
        })
    }

    /// Reads the keys file, creating it (owner-only) with fresh keys if it does not exist.
    pub fn load_or_create(path: &Path, key_id: &str) -> Result<Keys, KeyError> {
        match std::fs::read_to_string(path) {
            Ok(json) => Keys::from_json(&json),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let (keys, json) = Keys::generate(key_id);
                write_private(path, &json)
                    .map_err(|e| KeyError::Rejected(format!("cannot write {}: {e}", path.display())))?;
                Ok(keys)
            }
            Err(e) => Err(KeyError::Rejected(format!("cannot read {}: {e}", path.display()))),
        }
    }
}

/// A key id names a key in certificates and in the published keys: not blank, one line.
pub fn check_key_id(key_id: &str) -> Result<(), KeyError> {
    let ok = !key_id.trim().is_empty() && key_id.trim() == key_id && !key_id.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(KeyError::Rejected(
            "a key id must not be blank, start or end with spaces, or hold control characters".into(),
        ))
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

/// Where the engine gets its keys: at once locally, at first use on AWS (so a cold start makes
/// no network call before its first event).
#[async_trait]
pub trait KeySource: Send + Sync + 'static {
    async fn keys(&self) -> Result<Arc<Keys>, KeyError>;
}

pub struct StaticKeys(pub Arc<Keys>);

#[async_trait]
impl KeySource for StaticKeys {
    async fn keys(&self) -> Result<Arc<Keys>, KeyError> {
        Ok(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_survive_their_configuration_form_and_publish_current_then_retired() {
        let (keys, json) = Keys::generate("2026-11");
        let again = Keys::from_json(&json).unwrap();
        assert_eq!(again.sealing.public(), keys.sealing.public());
        let nonce = super::super::links::nonce();
        assert_eq!(again.link.code("env_a", 0, &nonce), keys.link.code("env_a", 0, &nonce));
        let mut with_retired: serde_json::Value = serde_json::from_str(&json).unwrap();
        let (old, _) = SealingKey::generate("2025-01");
        with_retired["retired_keys"] = serde_json::json!([old.public()]);
        let rotated = Keys::from_json(&with_retired.to_string()).unwrap();
        let ids: Vec<String> = rotated.published().keys.into_iter().map(|k| k.key_id).collect();
        assert_eq!(ids, ["2026-11", "2025-01"]);
    }

    #[test]
    fn a_rotation_retires_the_current_key_first_keeps_the_link_key_and_refuses_a_used_id() {
        let (first, json) = Keys::generate("2026-01");
        let (second, json) = Keys::rotate(&json, "2026-06").unwrap();
        let (third, json) = Keys::rotate(&json, "2026-11").unwrap();
        let ids = |keys: &Keys| -> Vec<String> { keys.published().keys.into_iter().map(|k| k.key_id).collect() };
        assert_eq!(ids(&third), ["2026-11", "2026-06", "2026-01"]);
        let reread = Keys::from_json(&json).unwrap();
        assert_eq!(ids(&reread), ids(&third));
        assert_eq!(reread.published().keys[1], second.sealing.public());
        assert_eq!(reread.published().keys[2], first.sealing.public());
        assert_ne!(third.sealing.public(), second.sealing.public());
        let nonce = super::super::links::nonce();
        assert_eq!(
            reread.link.code("env_a", 0, &nonce),
            first.link.code("env_a", 0, &nonce)
        );
        for used in ["2026-11", "2026-01", "", " x"] {
            assert!(Keys::rotate(&json, used).is_err(), "{used:?}");
        }
    }

    #[test]
    fn bad_configuration_is_refused_without_echoing_it() {
        for bad in ["", "{}", r#"{"key_id":"a","sealing_key":"!!","link_key":"AAAA"}"#] {
            let err = Keys::from_json(bad).err().expect("refused").to_string();
            assert!(!err.contains("!!"), "{err}");
        }
    }

    #[test]
    fn the_keys_file_is_created_once_owner_only_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let first = Keys::load_or_create(&path, "local-1").unwrap();
        let second = Keys::load_or_create(&path, "ignored").unwrap();
        assert_eq!(first.sealing.public(), second.sealing.public());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
