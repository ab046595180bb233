//! Commands: what a caller asks an enrollment to do. Already validated; the rules of *when* a
//! command is allowed live in the transition table, not here.

use super::records::{Meeting, Preferences};
use super::values::{Sha256Hex, Text};
use super::vote::VoteInput;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Notice,
    Meetings(Meeting),
    Decision(VoteInput),
    Exercise,
    Decline {
        reason: Text,
    },
    Preferences(Preferences),
    /// The service agreement is sent for signing in envelope `envelope_id`.
    Agreement {
        envelope_id: String,
        title: Text,
        document_sha256: Sha256Hex,
    },
    /// Every signer of the envelope has signed.
    AgreementCompleted {
        envelope_id: String,
    },
    /// The envelope was declined, voided or expired: back to `option_exercised`.
    AgreementWithdrawn {
        envelope_id: String,
        reason: String,
    },
    Golive {
        date: NaiveDate,
        end_users: u32,
    },
    Live,
    /// Run by the scheduler when the deadline has passed without exercise.
    Lapse,
    /// Run by the scheduler: remind the contact that the deadline approaches.
    RemindDeadline,
}

/// The name of a command, as it appears in the URL and the transition table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandKind {
    Notice,
    Meetings,
    Decision,
    Exercise,
    Decline,
    Preferences,
    Agreement,
    AgreementCompleted,
    AgreementWithdrawn,
    Golive,
    Live,
    Lapse,
    RemindDeadline,
}

impl CommandKind {
    pub const ALL: [CommandKind; 13] = [
        CommandKind::Notice,
        CommandKind::Meetings,
        CommandKind::Decision,
        CommandKind::Exercise,
        CommandKind::Decline,
        CommandKind::Preferences,
        CommandKind::Agreement,
        CommandKind::AgreementCompleted,
        CommandKind::AgreementWithdrawn,
        CommandKind::Golive,
        CommandKind::Live,
        CommandKind::Lapse,
        CommandKind::RemindDeadline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommandKind::Notice => "notice",
            CommandKind::Meetings => "meetings",
            CommandKind::Decision => "decision",
            CommandKind::Exercise => "exercise",
            CommandKind::Decline => "decline",
            CommandKind::Preferences => "preferences",
            CommandKind::Agreement => "agreement",
            CommandKind::AgreementCompleted => "agreement_completed",
            CommandKind::AgreementWithdrawn => "agreement_withdrawn",
            CommandKind::Golive => "golive",
            CommandKind::Live => "live",
            CommandKind::Lapse => "lapse",
            CommandKind::RemindDeadline => "remind_deadline",
        }
    }
}

impl std::fmt::Display for CommandKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Command {
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Notice => CommandKind::Notice,
            Command::Meetings(_) => CommandKind::Meetings,
            Command::Decision(_) => CommandKind::Decision,
            Command::Exercise => CommandKind::Exercise,
            Command::Decline { .. } => CommandKind::Decline,
            Command::Preferences(_) => CommandKind::Preferences,
            Command::Agreement { .. } => CommandKind::Agreement,
            Command::AgreementCompleted { .. } => CommandKind::AgreementCompleted,
            Command::AgreementWithdrawn { .. } => CommandKind::AgreementWithdrawn,
            Command::Golive { .. } => CommandKind::Golive,
            Command::Live => CommandKind::Live,
            Command::Lapse => CommandKind::Lapse,
            Command::RemindDeadline => CommandKind::RemindDeadline,
        }
    }
}
