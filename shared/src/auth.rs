//! API keys and what each role may do. Keys are random 256-bit secrets shown once; only their
//! SHA-256 is stored. A plain hash is enough (no slow KDF) because the secret has full entropy:
//! there is no dictionary to run against it.

use crate::domain::{CommandKind, MunicipalityNumber, ProgramId};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the platform: creates programs and keys.
    PlatformAdmin,
    /// One program, all its municipalities.
    ProgramAdmin,
    /// One municipality in one program.
    MunicipalityAdmin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform_admin",
            Role::ProgramAdmin => "program_admin",
            Role::MunicipalityAdmin => "municipality_admin",
        }
    }
}

/// A stored key: never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    /// Public identifier, used in `actor` and logs.
    pub id: String,
    /// Hex SHA-256 of the secret.
    pub hash: String,
    pub role: Role,
    pub program: Option<ProgramId>,
    pub municipality: Option<MunicipalityNumber>,
    pub created_at: DateTime<Utc>,
}

/// A fresh secret and its id: `vk_<id>_<secret>`. The id inside lets logs name a key without
/// ever holding its secret.
pub fn generate_key() -> (String, String) {
    let rng = SystemRandom::new();
    let mut id = [0u8; 6];
    let mut secret = [0u8; 32];
    rng.fill(&mut id).expect("OS random number generator");
    rng.fill(&mut secret).expect("OS random number generator");
    let id = hex::encode(id);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
    (format!("vk_{id}_{secret}"), id)
}

pub fn hash_key(secret: &str) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, secret.as_bytes()))
}

/// Who is asking, once their key has been found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub key_id: String,
    pub role: Role,
    pub program: Option<ProgramId>,
    pub municipality: Option<MunicipalityNumber>,
}

impl Principal {
    pub fn from_key(key: &ApiKey) -> Self {
        Principal {
            key_id: key.id.clone(),
            role: key.role,
            program: key.program.clone(),
            municipality: key.municipality.clone(),
        }
    }

    /// How this principal appears in the history.
    pub fn actor(&self) -> String {
        format!("{}:{}", self.role.as_str(), self.key_id)
    }

    pub fn is_platform_admin(&self) -> bool {
        self.role == Role::PlatformAdmin
    }

    /// Platform admins and this program's own admins.
    pub fn administers(&self, program: &ProgramId) -> bool {
        match self.role {
            Role::PlatformAdmin => true,
            Role::ProgramAdmin => self.program.as_ref() == Some(program),
            Role::MunicipalityAdmin => false,
        }
    }

    /// May see the program at all (any key bound to it).
    pub fn can_see_program(&self, program: &ProgramId) -> bool {
        self.administers(program) || self.program.as_ref() == Some(program)
    }

    /// May see this enrollment and its history.
    pub fn can_see(&self, program: &ProgramId, number: &MunicipalityNumber) -> bool {
        self.administers(program)
            || (self.role == Role::MunicipalityAdmin
                && self.program.as_ref() == Some(program)
                && self.municipality.as_ref() == Some(number))
    }

    /// Program admins drive every command. A municipality admin records the municipality's own
    /// political steps and answers (meetings, decision, exercise, decline, preferences), but the
    /// platform's steps (the notice, the agreement, go-live) belong to the program's admins.
    pub fn can_run(&self, program: &ProgramId, number: &MunicipalityNumber, command: CommandKind) -> bool {
        if self.administers(program) {
            return true;
        }
        let municipality_step = matches!(
            command,
            CommandKind::Meetings
                | CommandKind::Decision
                | CommandKind::Exercise
                | CommandKind::Decline
                | CommandKind::Preferences
        );
        municipality_step && self.can_see(program, number)
    }
}
