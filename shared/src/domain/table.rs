//! The whole transition table of an enrollment, in one place. `decide` consults nothing else to
//! know whether a command is allowed in a state, and the tests walk every (state, command) pair.

use super::command::CommandKind;
use super::state::State::{self, *};

/// Where a command leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    To(State),
    /// `adopted` or `rejected`, as the vote decides.
    ByVote,
    /// Records something without a state change.
    Stay,
}

const BEFORE_EXERCISE: &[State] = &State::BEFORE_EXERCISE;
const NOT_TERMINAL: &[State] = &[
    OptionHeld,
    NoticeSent,
    MeetingScheduled,
    Adopted,
    Rejected,
    OptionExercised,
    AgreementSent,
    AgreementSigned,
    GoliveScheduled,
];
const OPEN_CASE: &[State] = &[NoticeSent, MeetingScheduled, Rejected];

/// command, the states it is allowed from, where it leads.
pub const TRANSITIONS: &[(CommandKind, &[State], Target)] = &[
    (CommandKind::Notice, &[OptionHeld], Target::To(NoticeSent)),
    (CommandKind::Meetings, OPEN_CASE, Target::To(MeetingScheduled)),
    (CommandKind::Decision, OPEN_CASE, Target::ByVote),
    (CommandKind::Exercise, &[Adopted], Target::To(OptionExercised)),
    (CommandKind::Decline, BEFORE_EXERCISE, Target::To(Declined)),
    (CommandKind::Lapse, BEFORE_EXERCISE, Target::To(Lapsed)),
    (CommandKind::RemindDeadline, BEFORE_EXERCISE, Target::Stay),
    (CommandKind::Preferences, NOT_TERMINAL, Target::Stay),
    (CommandKind::Agreement, &[OptionExercised], Target::To(AgreementSent)),
    (
        CommandKind::AgreementCompleted,
        &[AgreementSent],
        Target::To(AgreementSigned),
    ),
    (
        CommandKind::AgreementWithdrawn,
        &[AgreementSent],
        Target::To(OptionExercised),
    ),
    (
        CommandKind::Golive,
        &[AgreementSigned, GoliveScheduled],
        Target::To(GoliveScheduled),
    ),
    (CommandKind::Live, &[GoliveScheduled], Target::To(Live)),
];

/// Where `command` leads from `state`, or `None` when the table does not allow it.
pub fn target(command: CommandKind, state: State) -> Option<Target> {
    TRANSITIONS
        .iter()
        .find(|(c, from, _)| *c == command && from.contains(&state))
        .map(|(_, _, t)| *t)
}

/// The states from which `command` is allowed (for error messages that help).
pub fn allowed_from(command: CommandKind) -> &'static [State] {
    TRANSITIONS
        .iter()
        .find(|(c, _, _)| *c == command)
        .map(|(_, from, _)| *from)
        .unwrap_or(&[])
}
