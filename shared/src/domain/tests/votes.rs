//! The Local Government Act's vote rules (kommuneloven 2018 § 11-9 and § 8-1) and the rule that a
//! decision cannot be dated in the future.

use super::*;
use proptest::prelude::*;
use vote::{tally, VoteError};

/// The contract's rules, restated independently: is this vote a lawful decision?
fn lawful(members: u32, present: u32, votes_for: u32, votes_against: u32, casting: Option<Side>) -> bool {
    let (m, p, f, a) = (
        u64::from(members),
        u64::from(present),
        u64::from(votes_for),
        u64::from(votes_against),
    );
    m >= 1 && p <= m && p * 2 >= m && f + a == p && casting.is_some() == (f == a)
}

fn counts() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => 0u32..=12,
        2 => 0u32..=400,
        1 => (u32::MAX - 3)..=u32::MAX,
        1 => (u32::MAX / 2 - 2)..=(u32::MAX / 2 + 2),
        1 => any::<u32>(),
    ]
}

fn casting() -> impl Strategy<Value = Option<Side>> {
    prop_oneof![Just(None), Just(Some(Side::For)), Just(Some(Side::Against))]
}

/// Votes that satisfy every rule, over small and huge bodies alike.
fn lawful_votes() -> impl Strategy<Value = (u32, u32, u32, u32, Option<Side>)> {
    prop_oneof![1u32..=500, (u32::MAX - 1000)..=u32::MAX]
        .prop_flat_map(|m| (Just(m), m.div_ceil(2)..=m))
        .prop_flat_map(|(m, p)| (Just(m), Just(p), 0..=p, any::<bool>()))
        .prop_map(|(m, p, f, chair_for)| {
            let a = p - f;
            let side = if chair_for { Side::For } else { Side::Against };
            (m, p, f, a, (f == a).then_some(side))
        })
}

/// Votes one step away from lawful: one count nudged by one, or the casting vote added or dropped.
fn nearly_lawful_votes() -> impl Strategy<Value = (u32, u32, u32, u32, Option<Side>)> {
    (lawful_votes(), 0usize..5, any::<bool>()).prop_map(|((m, p, f, a, c), field, up)| {
        let nudge = |x: u32| {
            if up {
                x.saturating_add(1)
            } else {
                x.saturating_sub(1)
            }
        };
        match field {
            0 => (nudge(m), p, f, a, c),
            1 => (m, nudge(p), f, a, c),
            2 => (m, p, nudge(f), a, c),
            3 => (m, p, f, nudge(a), c),
            _ => (m, p, f, a, if c.is_some() { None } else { Some(Side::For) }),
        }
    })
}

/// `tally` against the contract's rules for one vote.
fn check_tally(
    members: u32,
    present: u32,
    votes_for: u32,
    votes_against: u32,
    casting: Option<Side>,
) -> Result<(), TestCaseError> {
    let input = vote(members, present, votes_for, votes_against, casting);
    let result = tally(&input);
    let want_ok = lawful(members, present, votes_for, votes_against, casting);
    prop_assert_eq!(result.is_ok(), want_ok, "{:?} -> {:?}", input, result);
    match result {
        Ok(d) => {
            let tied = votes_for == votes_against;
            let adopted = votes_for > votes_against || (tied && casting == Some(Side::For));
            prop_assert_eq!(d.outcome == Outcome::Adopted, adopted);
            prop_assert_eq!(d.unanimous, votes_against == 0);
            prop_assert_eq!(
                (d.members, d.present, d.votes_for, d.votes_against, d.chair_casting_vote),
                (members, present, votes_for, votes_against, casting)
            );
            prop_assert_eq!(d.body, input.body);
            prop_assert_eq!(d.date, input.date);
            prop_assert_eq!(&d.case_number, &input.case_number);
        }
        Err(e) => {
            // Every refusal of a vote is "well-formed but invalid": 422.
            prop_assert!(DomainError::from(e).is_invalid_input());
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn tally_accepts_exactly_the_lawful_votes(
        members in counts(),
        present in counts(),
        votes_for in counts(),
        votes_against in counts(),
        casting in casting(),
    ) {
        check_tally(members, present, votes_for, votes_against, casting)?;
    }

    #[test]
    fn tally_accepts_exactly_the_lawful_votes_near_the_boundaries(
        (members, present, votes_for, votes_against, casting) in nearly_lawful_votes()
    ) {
        check_tally(members, present, votes_for, votes_against, casting)?;
    }

    #[test]
    fn every_lawful_vote_is_decided_by_majority_or_the_chair(
        (members, present, votes_for, votes_against, casting) in lawful_votes()
    ) {
        let d = tally(&vote(members, present, votes_for, votes_against, casting)).unwrap();
        let want = if votes_for > votes_against || casting == Some(Side::For) { Outcome::Adopted } else { Outcome::Rejected };
        prop_assert_eq!(d.outcome, want);
        prop_assert_eq!(d.unanimous, votes_against == 0);
    }

    #[test]
    fn one_vote_too_many_or_too_few_never_adds_up(
        (members, present, votes_for, votes_against, _casting) in lawful_votes()
    ) {
        if let Some(more) = votes_for.checked_add(1) {
            let e = tally(&vote(members, present, more, votes_against, None)).unwrap_err();
            prop_assert!(matches!(e, VoteError::VotesDoNotAddUp { .. }), "{:?}", e);
        }
        if let Some(fewer) = votes_against.checked_sub(1) {
            let e = tally(&vote(members, present, votes_for, fewer, None)).unwrap_err();
            prop_assert!(matches!(e, VoteError::VotesDoNotAddUp { .. }), "{:?}", e);
        }
    }
}

#[test]
fn quorum_is_half_the_members_present() {
    let quorum_not_met = |members, present| {
        let e = tally(&vote(members, present, present, 0, None)).unwrap_err();
        assert_eq!(e, VoteError::QuorumNotMet { present, members });
        assert_eq!(e.slug(), "quorum-not-met");
    };
    quorum_not_met(35, 17);
    assert!(tally(&vote(35, 18, 18, 0, None)).is_ok());
    assert!(tally(&vote(7, 4, 3, 1, None)).is_ok());
    quorum_not_met(7, 3);
    // An even body: exactly half is enough.
    assert!(tally(&vote(10, 5, 3, 2, None)).is_ok());
    quorum_not_met(10, 4);
    // Nobody present is no quorum at all.
    quorum_not_met(1, 0);
    assert!(tally(&vote(1, 1, 1, 0, None)).is_ok());
}

#[test]
fn a_body_without_members_or_with_more_present_than_members_is_refused() {
    assert_eq!(tally(&vote(0, 0, 0, 0, None)).unwrap_err(), VoteError::NoMembers);
    assert_eq!(
        tally(&vote(35, 36, 36, 0, None)).unwrap_err(),
        VoteError::MorePresentThanMembers {
            present: 36,
            members: 35
        }
    );
}

#[test]
fn every_member_present_must_vote() {
    let e = tally(&vote(35, 30, 20, 9, None)).unwrap_err();
    assert_eq!(
        e,
        VoteError::VotesDoNotAddUp {
            votes_for: 20,
            votes_against: 9,
            present: 30
        }
    );
    assert_eq!(e.slug(), "votes-do-not-add-up");
    assert!(tally(&vote(35, 30, 20, 11, None)).is_err());
}

#[test]
fn a_tie_needs_the_chairs_casting_vote() {
    let e = tally(&vote(35, 18, 9, 9, None)).unwrap_err();
    assert_eq!(e, VoteError::TieWithoutCastingVote(9));
    assert_eq!(e.slug(), "tie-without-casting-vote");
    assert_eq!(
        tally(&vote(35, 18, 9, 9, Some(Side::For))).unwrap().outcome,
        Outcome::Adopted
    );
    assert_eq!(
        tally(&vote(35, 18, 9, 9, Some(Side::Against))).unwrap().outcome,
        Outcome::Rejected
    );
}

#[test]
fn a_casting_vote_without_a_tie_is_refused() {
    for side in [Side::For, Side::Against] {
        let e = tally(&vote(35, 18, 10, 8, Some(side))).unwrap_err();
        assert_eq!(e, VoteError::CastingVoteWithoutTie);
        assert_eq!(e.slug(), "casting-vote-without-tie");
    }
}

#[test]
fn a_simple_majority_decides_and_unanimity_is_derived() {
    let d = tally(&vote(35, 35, 35, 0, None)).unwrap();
    assert_eq!((d.outcome, d.unanimous), (Outcome::Adopted, true));
    let d = tally(&vote(35, 35, 18, 17, None)).unwrap();
    assert_eq!((d.outcome, d.unanimous), (Outcome::Adopted, false));
    let d = tally(&vote(35, 35, 17, 18, None)).unwrap();
    assert_eq!((d.outcome, d.unanimous), (Outcome::Rejected, false));
    // Everyone against: rejected, and not "unanimous" in the contract's sense (nobody against).
    let d = tally(&vote(35, 35, 0, 35, None)).unwrap();
    assert_eq!((d.outcome, d.unanimous), (Outcome::Rejected, false));
}

#[test]
fn huge_counts_do_not_overflow_or_panic() {
    let max = u32::MAX;
    let d = tally(&vote(max, max, max, 0, None)).unwrap();
    assert_eq!((d.outcome, d.unanimous), (Outcome::Adopted, true));
    // for + against would wrap around in u32 arithmetic.
    assert!(matches!(
        tally(&vote(max, max, max, max, None)),
        Err(VoteError::VotesDoNotAddUp { .. })
    ));
    assert!(matches!(
        tally(&vote(max, max, max, 1, None)),
        Err(VoteError::VotesDoNotAddUp { .. })
    ));
    // max + 2 wraps to 1 in u32, which would "add up" to the one member present.
    assert!(matches!(
        tally(&vote(1, 1, max, 2, None)),
        Err(VoteError::VotesDoNotAddUp { .. })
    ));
    // present * 2 would wrap around in u32 arithmetic.
    let half = max / 2; // 2147483647; 2 * half = max - 1 < max
    assert!(matches!(
        tally(&vote(max, half, half, 0, None)),
        Err(VoteError::QuorumNotMet { .. })
    ));
    let d = tally(&vote(max, half + 1, half + 1, 0, None)).unwrap();
    assert_eq!(d.outcome, Outcome::Adopted);
    let d = tally(&vote(max, max - 1, half, half, Some(Side::Against))).unwrap();
    assert_eq!(d.outcome, Outcome::Rejected);
    assert!(matches!(
        tally(&vote(max - 1, max, 0, max, None)),
        Err(VoteError::MorePresentThanMembers { .. })
    ));
}

#[test]
fn the_decision_serializes_with_the_contracts_field_names() {
    let d = tally(&VoteInput {
        protocol_sha256: Some(Sha256Hex::of(b"protokoll")),
        ..vote(35, 18, 9, 9, Some(Side::For))
    })
    .unwrap();
    let v = serde_json::to_value(&d).unwrap();
    for field in [
        "body",
        "date",
        "case_number",
        "members",
        "present",
        "votes_for",
        "votes_against",
        "chair_casting_vote",
        "protocol_sha256",
        "outcome",
        "unanimous",
    ] {
        assert!(v.get(field).is_some(), "{field} missing from {v}");
    }
    assert_eq!(v["body"], "kommunestyre");
    assert_eq!(v["date"], "2021-10-20");
    assert_eq!(v["chair_casting_vote"], "for");
    assert_eq!(v["outcome"], "adopted");
    assert_eq!(v["unanimous"], false);
}

// --- the meeting date cannot lie in the future (422), in the program's own time ---

fn decide_vote_dated(program: &Program, meeting_date: &str, now: &str) -> Result<Decided, DomainError> {
    let current = enrollment_in(program, State::MeetingScheduled);
    let input = VoteInput {
        date: date(meeting_date),
        ..vote(35, 30, 20, 10, None)
    };
    decide(program, &current, &Command::Decision(input), utc(now))
}

#[test]
fn a_decision_dated_tomorrow_is_invalid_and_today_is_fine() {
    let program = oslo_program();
    let now = "2021-11-02T10:00:00Z";
    assert!(decide_vote_dated(&program, "2021-11-01", now).is_ok());
    assert!(decide_vote_dated(&program, "2021-11-02", now).is_ok());
    let err = decide_vote_dated(&program, "2021-11-03", now).unwrap_err();
    assert!(matches!(err, DomainError::Invalid { field: "date", .. }), "{err:?}");
    assert!(err.is_invalid_input(), "a future meeting date is 422");
    assert_eq!(err.slug(), "invalid-value");
}

#[test]
fn a_decision_dated_today_is_fine_at_00_30_oslo_time_while_utc_is_still_yesterday() {
    let program = oslo_program();
    // Winter: 23:30 UTC on 1 November is 00:30 CET on 2 November.
    let now = "2021-11-01T23:30:00Z";
    assert!(decide_vote_dated(&program, "2021-11-02", now).is_ok());
    assert!(matches!(
        decide_vote_dated(&program, "2021-11-03", now),
        Err(DomainError::Invalid { field: "date", .. })
    ));
    // Summer: 22:30 UTC on 14 June is 00:30 CEST on 15 June.
    let summer = program_with("2022-06-30", "Europe/Oslo");
    let now = "2021-06-14T22:30:00Z";
    assert!(decide_vote_dated(&summer, "2021-06-15", now).is_ok());
    assert!(decide_vote_dated(&summer, "2021-06-16", now).is_err());
    // And one minute before midnight Oslo time, tomorrow is still tomorrow.
    let now = "2021-06-14T21:59:00Z";
    assert!(decide_vote_dated(&summer, "2021-06-14", now).is_ok());
    assert!(decide_vote_dated(&summer, "2021-06-15", now).is_err());
}

#[test]
fn a_decision_date_is_read_in_the_programs_own_zone() {
    // 12:00 UTC on 1 November is already 01:00 on 2 November in Auckland (NZDT, +13:00).
    let program = program_with("2021-12-15", "Pacific/Auckland");
    let now = "2021-11-01T12:00:00Z";
    assert!(decide_vote_dated(&program, "2021-11-02", now).is_ok());
    assert!(decide_vote_dated(&program, "2021-11-03", now).is_err());
    // The same instant in Oslo is still 1 November.
    assert!(decide_vote_dated(&oslo_program(), "2021-11-02", now).is_err());
}

#[test]
fn a_future_dated_unlawful_vote_is_still_422() {
    // Both the date and the quorum are wrong; whichever is named, the answer is 422.
    let program = oslo_program();
    let current = enrollment_in(&program, State::MeetingScheduled);
    let input = VoteInput {
        date: date("2021-11-03"),
        ..vote(35, 1, 1, 0, None)
    };
    let err = decide(
        &program,
        &current,
        &Command::Decision(input),
        utc("2021-11-02T10:00:00Z"),
    )
    .unwrap_err();
    assert!(err.is_invalid_input());
}
