//! The Local Government Act's rules for a valid decision (kommuneloven 2018 § 11-9 and § 8-1),
//! as one pure function. The outcome and `unanimous` are derived here and never taken from input.

use super::values::{Body, CaseNumber, Sha256Hex};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A side in a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    For,
    Against,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Adopted,
    Rejected,
}

/// What the case system or administrator reports about a vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteInput {
    pub body: Body,
    pub date: NaiveDate,
    pub case_number: CaseNumber,
    pub members: u32,
    pub present: u32,
    pub votes_for: u32,
    pub votes_against: u32,
    pub chair_casting_vote: Option<Side>,
    pub protocol_sha256: Option<Sha256Hex>,
}

/// A lawful decision, as recorded on the enrollment and shown to the public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Decision {
    pub body: Body,
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    #[schema(value_type = String)]
    pub case_number: CaseNumber,
    pub members: u32,
    pub present: u32,
    pub votes_for: u32,
    pub votes_against: u32,
    pub chair_casting_vote: Option<Side>,
    #[schema(value_type = Option<String>)]
    pub protocol_sha256: Option<Sha256Hex>,
    pub outcome: Outcome,
    /// Derived: nobody voted against.
    pub unanimous: bool,
}

/// Why a vote is not a lawful decision. Each maps to 422.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoteError {
    #[error("a body has at least one member")]
    NoMembers,
    #[error("present ({present}) cannot exceed members ({members})")]
    MorePresentThanMembers { present: u32, members: u32 },
    #[error("quorum not met: {present} of {members} present; at least half must be present and voting")]
    QuorumNotMet { present: u32, members: u32 },
    #[error("votes do not add up: {votes_for} for + {votes_against} against must equal the {present} present (every member present must vote)")]
    VotesDoNotAddUp {
        votes_for: u32,
        votes_against: u32,
        present: u32,
    },
    #[error("the vote is tied {0}-{0}: the chair's casting vote (chair_casting_vote) is required")]
    TieWithoutCastingVote(u32),
    #[error("chair_casting_vote is only given when the vote is tied")]
    CastingVoteWithoutTie,
}

impl VoteError {
    /// A stable, machine-readable name for the problem type.
    pub fn slug(&self) -> &'static str {
        match self {
            VoteError::NoMembers | VoteError::MorePresentThanMembers { .. } => "invalid-vote-counts",
            VoteError::QuorumNotMet { .. } => "quorum-not-met",
            VoteError::VotesDoNotAddUp { .. } => "votes-do-not-add-up",
            VoteError::TieWithoutCastingVote(_) => "tie-without-casting-vote",
            VoteError::CastingVoteWithoutTie => "casting-vote-without-tie",
        }
    }
}

/// Applies the rules in the order a chair would: who is there, did everyone vote, who won.
pub fn tally(v: &VoteInput) -> Result<Decision, VoteError> {
    if v.members == 0 {
        return Err(VoteError::NoMembers);
    }
    if v.present > v.members {
        return Err(VoteError::MorePresentThanMembers {
            present: v.present,
            members: v.members,
        });
    }
    // u64 so that no count near u32::MAX can overflow the comparison.
    if u64::from(v.present) * 2 < u64::from(v.members) {
        return Err(VoteError::QuorumNotMet {
            present: v.present,
            members: v.members,
        });
    }
    if u64::from(v.votes_for) + u64::from(v.votes_against) != u64::from(v.present) {
        return Err(VoteError::VotesDoNotAddUp {
            votes_for: v.votes_for,
            votes_against: v.votes_against,
            present: v.present,
        });
    }
    let tied = v.votes_for == v.votes_against;
    let outcome = match (tied, v.chair_casting_vote) {
        (true, None) => return Err(VoteError::TieWithoutCastingVote(v.votes_for)),
        (false, Some(_)) => return Err(VoteError::CastingVoteWithoutTie),
        (true, Some(Side::For)) => Outcome::Adopted,
        (true, Some(Side::Against)) => Outcome::Rejected,
        (false, None) if v.votes_for > v.votes_against => Outcome::Adopted,
        (false, None) => Outcome::Rejected,
    };
    Ok(Decision {
        body: v.body,
        date: v.date,
        case_number: v.case_number.clone(),
        members: v.members,
        present: v.present,
        votes_for: v.votes_for,
        votes_against: v.votes_against,
        chair_casting_vote: v.chair_casting_vote,
        protocol_sha256: v.protocol_sha256.clone(),
        outcome,
        unanimous: v.votes_against == 0,
    })
}
