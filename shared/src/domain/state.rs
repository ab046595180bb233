//! The states of an enrollment, named exactly as the contract names them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    OptionHeld,
    NoticeSent,
    MeetingScheduled,
    Adopted,
    Rejected,
    OptionExercised,
    AgreementSent,
    AgreementSigned,
    GoliveScheduled,
    Live,
    Declined,
    Lapsed,
}

impl State {
    pub const ALL: [State; 12] = [
        State::OptionHeld,
        State::NoticeSent,
        State::MeetingScheduled,
        State::Adopted,
        State::Rejected,
        State::OptionExercised,
        State::AgreementSent,
        State::AgreementSigned,
        State::GoliveScheduled,
        State::Live,
        State::Declined,
        State::Lapsed,
    ];

    /// The states in which the option is still open: the deadline governs them, and they may
    /// decline or lapse.
    pub const BEFORE_EXERCISE: [State; 5] = [
        State::OptionHeld,
        State::NoticeSent,
        State::MeetingScheduled,
        State::Adopted,
        State::Rejected,
    ];

    /// Nothing happens after these. `live` is where a successful enrollment ends.
    pub const TERMINAL: [State; 3] = [State::Live, State::Declined, State::Lapsed];

    pub fn as_str(self) -> &'static str {
        match self {
            State::OptionHeld => "option_held",
            State::NoticeSent => "notice_sent",
            State::MeetingScheduled => "meeting_scheduled",
            State::Adopted => "adopted",
            State::Rejected => "rejected",
            State::OptionExercised => "option_exercised",
            State::AgreementSent => "agreement_sent",
            State::AgreementSigned => "agreement_signed",
            State::GoliveScheduled => "golive_scheduled",
            State::Live => "live",
            State::Declined => "declined",
            State::Lapsed => "lapsed",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn is_terminal(self) -> bool {
        State::TERMINAL.contains(&self)
    }

    pub fn is_before_exercise(self) -> bool {
        State::BEFORE_EXERCISE.contains(&self)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
