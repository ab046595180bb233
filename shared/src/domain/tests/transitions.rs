//! Every (state, command) pair against a transition matrix written out by hand from the
//! contract's state machine.

use super::*;
use serde_json::{json, Value};

/// The commands, in the column order of `MATRIX`.
const COLUMNS: [&str; 13] = [
    "notice",
    "meetings",
    "decision",
    "exercise",
    "decline",
    "preferences",
    "agreement",
    "agreement_completed",
    "agreement_withdrawn",
    "golive",
    "live",
    "lapse",
    "remind_deadline",
];

/// Where each command leads from each state, by the contract:
/// `-` refused (409), `=` accepted without a state change, otherwise the next state.
/// `decision` is shown with an adopting vote. `lapse` is only accepted once the deadline has
/// passed; before it, it is refused with `DeadlineNotPassed`.
#[rustfmt::skip]
const MATRIX: [(&str, [&str; 13]); 12] = [
    //                     notice         meetings             decision   exercise            decline     preferences agreement         agreement_completed agreement_withdrawn golive              live    lapse  remind
    ("option_held",       ["notice_sent", "-",                 "-",       "-",                "declined", "=",        "-",              "-",                "-",                "-",                "-",    "lapsed", "="]),
    ("notice_sent",       ["-",           "meeting_scheduled", "adopted", "-",                "declined", "=",        "-",              "-",                "-",                "-",                "-",    "lapsed", "="]),
    ("meeting_scheduled", ["-",           "meeting_scheduled", "adopted", "-",                "declined", "=",        "-",              "-",                "-",                "-",                "-",    "lapsed", "="]),
    ("adopted",           ["-",           "-",                 "-",       "option_exercised", "declined", "=",        "-",              "-",                "-",                "-",                "-",    "lapsed", "="]),
    ("rejected",          ["-",           "meeting_scheduled", "adopted", "-",                "declined", "=",        "-",              "-",                "-",                "-",                "-",    "lapsed", "="]),
    ("option_exercised",  ["-",           "-",                 "-",       "-",                "-",        "=",        "agreement_sent", "-",                "-",                "-",                "-",    "-", "-"]),
    ("agreement_sent",    ["-",           "-",                 "-",       "-",                "-",        "=",        "-",              "agreement_signed", "option_exercised", "-",                "-",    "-", "-"]),
    ("agreement_signed",  ["-",           "-",                 "-",       "-",                "-",        "=",        "-",              "-",                "-",                "golive_scheduled", "-",    "-", "-"]),
    ("golive_scheduled",  ["-",           "-",                 "-",       "-",                "-",        "=",        "-",              "-",                "-",                "golive_scheduled", "live", "-", "-"]),
    ("live",              ["-",           "-",                 "-",       "-",                "-",        "-",        "-",              "-",                "-",                "-",                "-",    "-", "-"]),
    ("declined",          ["-",           "-",                 "-",       "-",                "-",        "-",        "-",              "-",                "-",                "-",                "-",    "-", "-"]),
    ("lapsed",            ["-",           "-",                 "-",       "-",                "-",        "-",        "-",              "-",                "-",                "-",                "-",    "-", "-"]),
];

/// The states in which the option is still open, by the contract.
const OPTION_OPEN: [&str; 5] = ["option_held", "notice_sent", "meeting_scheduled", "adopted", "rejected"];

fn kind_named(name: &str) -> CommandKind {
    CommandKind::ALL
        .into_iter()
        .find(|k| k.as_str() == name)
        .unwrap_or_else(|| panic!("no command named {name}"))
}

fn state_named(name: &str) -> State {
    State::parse(name).unwrap_or_else(|| panic!("no state named {name}"))
}

/// What the matrix says about (state, command).
fn expected(state: State, kind: CommandKind) -> &'static str {
    let row = MATRIX
        .iter()
        .find(|(s, _)| *s == state.as_str())
        .unwrap_or_else(|| panic!("no row for {state}"));
    let col = COLUMNS.iter().position(|c| *c == kind.as_str()).unwrap();
    row.1[col]
}

/// Checks one accepted command; returns what was wrong, if anything.
fn check_accepted(
    state: State,
    kind: CommandKind,
    want: State,
    current: &Enrollment,
    now: DateTime<Utc>,
    got: Result<Decided, DomainError>,
) -> Option<String> {
    let pair = format!("{state} + {kind}");
    let d = match got {
        Ok(d) => d,
        Err(e) => return Some(format!("{pair}: expected {want}, got error {e:?}")),
    };
    let mut problems = Vec::new();
    if d.enrollment.state != want {
        problems.push(format!("state {} instead of {want}", d.enrollment.state));
    }
    if d.enrollment.version != current.version + 1 {
        problems.push(format!(
            "version {} instead of {}",
            d.enrollment.version,
            current.version + 1
        ));
    }
    if d.enrollment.updated_at != now {
        problems.push("updated_at is not now".to_owned());
    }
    if d.events.len() != 1 {
        problems.push(format!("{} events instead of one", d.events.len()));
    } else {
        let ev = &d.events[0];
        if ev.event_type.is_empty() {
            problems.push("event without a type".to_owned());
        }
        let (from, to) = (ev.data.get("from"), ev.data.get("to"));
        if want != state {
            if from != Some(&json!(state.as_str())) || to != Some(&json!(want.as_str())) {
                problems.push(format!("event data lacks from/to: {}", ev.data));
            }
        } else if from.is_some() || to.is_some() {
            problems.push(format!("event data has from/to without a state change: {}", ev.data));
        }
    }
    let notices = d
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::OptionNotice { .. }))
        .count();
    let want_effects = usize::from(kind == CommandKind::Notice);
    if d.effects.len() != want_effects || notices != want_effects {
        problems.push(format!("effects {:?}", d.effects));
    }
    (!problems.is_empty()).then(|| format!("{pair}: {}", problems.join("; ")))
}

fn check_refused(
    state: State,
    kind: CommandKind,
    want: &DomainError,
    got: Result<Decided, DomainError>,
) -> Option<String> {
    match got {
        Err(e) if &e == want => None,
        other => Some(format!(
            "{state} + {kind}: expected {want:?}, got {:?}",
            other.map(|d| d.enrollment.state)
        )),
    }
}

#[test]
fn the_matrix_names_every_state_and_every_command_exactly_once() {
    let rows: Vec<State> = MATRIX.iter().map(|(s, _)| state_named(s)).collect();
    assert_eq!(rows.len(), 12);
    for s in State::ALL {
        assert_eq!(rows.iter().filter(|r| **r == s).count(), 1, "{s}");
    }
    let cols: Vec<CommandKind> = COLUMNS.iter().map(|c| kind_named(c)).collect();
    for k in CommandKind::ALL {
        assert_eq!(cols.iter().filter(|c| **c == k).count(), 1, "{k}");
    }
    for (_, row) in MATRIX {
        for cell in row {
            assert!(cell == "-" || cell == "=" || State::parse(cell).is_some(), "{cell}");
        }
    }
}

#[test]
fn state_names_are_exactly_the_contracts() {
    let names = [
        "option_held",
        "notice_sent",
        "meeting_scheduled",
        "adopted",
        "rejected",
        "option_exercised",
        "agreement_sent",
        "agreement_signed",
        "golive_scheduled",
        "live",
        "declined",
        "lapsed",
    ];
    let all: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(all, names);
    for s in State::ALL {
        assert_eq!(serde_json::to_value(s).unwrap(), json!(s.as_str()));
        assert_eq!(serde_json::from_value::<State>(json!(s.as_str())).unwrap(), s);
        assert_eq!(State::parse(s.as_str()), Some(s));
        assert_eq!(s.to_string(), s.as_str());
    }
    assert_eq!(State::parse("Adopted"), None);
    assert_eq!(State::parse("optionHeld"), None);
    assert_eq!(State::parse(""), None);
    assert!(serde_json::from_value::<State>(json!("OptionHeld")).is_err());
}

#[test]
fn terminal_and_option_open_states_are_the_contracts() {
    for s in State::ALL {
        assert_eq!(s.is_before_exercise(), OPTION_OPEN.contains(&s.as_str()), "{s}");
        assert_eq!(
            s.is_terminal(),
            ["live", "declined", "lapsed"].contains(&s.as_str()),
            "{s}"
        );
    }
}

#[test]
fn each_sample_command_is_of_its_kind() {
    for k in CommandKind::ALL {
        assert_eq!(command_of(k, date("2021-11-01")).kind(), k);
        assert_eq!(k.to_string(), k.as_str());
    }
}

#[test]
fn every_state_and_command_pair_before_the_deadline_follows_the_contract() {
    let program = oslo_program();
    let now = utc(BEFORE);
    let today = today_of(&program, now);
    let mut failures = Vec::new();
    for state in State::ALL {
        for kind in CommandKind::ALL {
            let current = enrollment_in(&program, state);
            let got = decide(&program, &current, &command_of(kind, today), now);
            let cell = expected(state, kind);
            let failure = match (cell, kind) {
                ("-", _) => check_refused(state, kind, &DomainError::NotAllowed { command: kind, state }, got),
                (_, CommandKind::Lapse) => check_refused(
                    state,
                    kind,
                    &DomainError::DeadlineNotPassed {
                        deadline: current.option_deadline,
                    },
                    got,
                ),
                // Allowed, but six weeks before the deadline no reminder is due yet.
                ("=", CommandKind::RemindDeadline) => check_refused(
                    state,
                    kind,
                    &DomainError::NotDue {
                        what: "no deadline reminder is due".into(),
                    },
                    got,
                ),
                ("=", _) => check_accepted(state, kind, state, &current, now, got),
                (next, _) => check_accepted(state, kind, state_named(next), &current, now, got),
            };
            failures.extend(failure);
        }
    }
    assert!(
        failures.is_empty(),
        "{} pairs disagree with the contract:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_state_and_command_pair_after_the_deadline_follows_the_contract() {
    let program = oslo_program();
    let now = utc(AFTER);
    let today = today_of(&program, now);
    let mut failures = Vec::new();
    for state in State::ALL {
        for kind in CommandKind::ALL {
            let current = enrollment_in(&program, state);
            let got = decide(&program, &current, &command_of(kind, today), now);
            let cell = expected(state, kind);
            let option_open = OPTION_OPEN.contains(&state.as_str());
            let passed = DomainError::DeadlinePassed {
                deadline: current.option_deadline,
            };
            let failure = match (cell, kind) {
                // After the deadline only the lapse may happen while the option is open.
                (_, CommandKind::Lapse) if option_open => {
                    check_accepted(state, kind, State::Lapsed, &current, now, got)
                }
                // A command the state never allows is a 409 either way: the contract does not say
                // which of the two reasons wins, so both are accepted here.
                ("-", _) if option_open => match got {
                    Err(DomainError::NotAllowed { .. }) | Err(DomainError::DeadlinePassed { .. }) => None,
                    other => Some(format!(
                        "{state} + {kind}: expected a 409, got {:?}",
                        other.map(|d| d.enrollment.state)
                    )),
                },
                (_, _) if option_open => check_refused(state, kind, &passed, got),
                // Once the option is exercised (or the case is over) the deadline no longer matters.
                ("-", _) => check_refused(state, kind, &DomainError::NotAllowed { command: kind, state }, got),
                ("=", _) => check_accepted(state, kind, state, &current, now, got),
                (next, _) => check_accepted(state, kind, state_named(next), &current, now, got),
            };
            failures.extend(failure);
        }
    }
    assert!(
        failures.is_empty(),
        "{} pairs disagree with the contract:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_refusal_in_the_wrong_state_is_a_409_that_says_where_it_is_allowed() {
    let program = oslo_program();
    let current = enrollment_in(&program, State::OptionHeld);
    let err = decide(&program, &current, &Command::Exercise, utc(BEFORE)).unwrap_err();
    assert_eq!(
        err,
        DomainError::NotAllowed {
            command: CommandKind::Exercise,
            state: State::OptionHeld
        }
    );
    assert!(!err.is_invalid_input());
    assert_eq!(err.slug(), "not-allowed-in-state");
    let msg = err.to_string();
    assert!(
        msg.contains("exercise") && msg.contains("option_held") && msg.contains("adopted"),
        "{msg}"
    );
}

#[test]
fn exercise_after_the_deadline_is_refused_with_409() {
    let program = oslo_program();
    let current = enrollment_in(&program, State::Adopted);
    let err = decide(&program, &current, &Command::Exercise, utc(AFTER)).unwrap_err();
    assert_eq!(
        err,
        DomainError::DeadlinePassed {
            deadline: current.option_deadline
        }
    );
    assert!(!err.is_invalid_input());
    assert_eq!(err.slug(), "deadline-passed");
}

#[test]
fn lapse_before_the_deadline_is_refused() {
    let program = oslo_program();
    for state in State::BEFORE_EXERCISE {
        let current = enrollment_in(&program, state);
        let err = decide(&program, &current, &Command::Lapse, utc(BEFORE)).unwrap_err();
        assert_eq!(
            err,
            DomainError::DeadlineNotPassed {
                deadline: current.option_deadline
            }
        );
        assert!(!err.is_invalid_input());
        assert_eq!(err.slug(), "deadline-not-passed");
    }
}

#[test]
fn notice_emails_the_contact_once_with_the_deadline() {
    let program = oslo_program();
    let current = enrollment_in(&program, State::OptionHeld);
    let d = decide(&program, &current, &Command::Notice, utc(BEFORE)).unwrap();
    assert_eq!(d.enrollment.state, State::NoticeSent);
    assert_eq!(d.effects.len(), 1);
    let Effect::OptionNotice {
        to,
        program: pid,
        number,
        deadline,
        ..
    } = &d.effects[0]
    else {
        panic!("not a notice: {:?}", d.effects[0]);
    };
    assert_eq!(to, &contact());
    assert_eq!(pid.as_str(), "helseplattformen");
    assert_eq!(number.as_str(), "5027");
    assert_eq!(deadline.to_rfc3339(), "2021-12-15T23:59:59+01:00");
    assert_eq!(*deadline, current.option_deadline);
    // The notice's event carries the state change, and still records to whom the notice went
    // and the deadline it announced.
    let data = &d.events[0].data;
    assert_eq!(data["from"], json!("option_held"));
    assert_eq!(data["to"], json!("notice_sent"));
    assert_eq!(data["option_deadline"], json!("2021-12-15T23:59:59+01:00"));
    let recipient = json!("kari.nordmann@mgk.no");
    let mentions_recipient = data.as_object().unwrap().values().any(|v| *v == recipient);
    assert!(
        mentions_recipient,
        "the notice.sent event no longer records its recipient: {data}"
    );
}

#[test]
fn a_rejecting_vote_leads_to_rejected_from_every_open_case_state() {
    let program = oslo_program();
    let now = utc(BEFORE);
    for state in [State::NoticeSent, State::MeetingScheduled, State::Rejected] {
        let current = enrollment_in(&program, state);
        let cmd = Command::Decision(vote(35, 30, 10, 20, None));
        let d = decide(&program, &current, &cmd, now).unwrap();
        assert_eq!(d.enrollment.state, State::Rejected, "{state}");
        assert_eq!(d.enrollment.version, current.version + 1);
        let decision = d.enrollment.decision.as_ref().unwrap();
        assert_eq!(decision.outcome, Outcome::Rejected);
        assert_eq!(d.events.len(), 1);
        let data = &d.events[0].data;
        if state == State::Rejected {
            assert!(data.get("from").is_none() && data.get("to").is_none(), "{data}");
        } else {
            assert_eq!(data["from"], json!(state.as_str()));
            assert_eq!(data["to"], json!("rejected"));
        }
    }
}

#[test]
fn a_new_vote_after_a_rejection_can_adopt() {
    let program = oslo_program();
    let current = enrollment_in(&program, State::Rejected);
    let d = decide(
        &program,
        &current,
        &Command::Decision(vote(35, 18, 9, 9, Some(Side::For))),
        utc(BEFORE),
    )
    .unwrap();
    assert_eq!(d.enrollment.state, State::Adopted);
    let decision = d.enrollment.decision.unwrap();
    assert_eq!(decision.outcome, Outcome::Adopted);
    assert!(!decision.unanimous);
    assert_eq!(decision.chair_casting_vote, Some(Side::For));
}

#[test]
fn a_decision_with_an_unlawful_vote_is_422_and_changes_nothing() {
    let program = oslo_program();
    let current = enrollment_in(&program, State::MeetingScheduled);
    let cases = [
        (vote(35, 17, 17, 0, None), "quorum-not-met"),
        (vote(35, 30, 20, 9, None), "votes-do-not-add-up"),
        (vote(35, 30, 15, 15, None), "tie-without-casting-vote"),
        (vote(35, 30, 16, 14, Some(Side::For)), "casting-vote-without-tie"),
        (vote(0, 0, 0, 0, None), "invalid-vote-counts"),
        (vote(35, 36, 36, 0, None), "invalid-vote-counts"),
    ];
    for (input, slug) in cases {
        let err = decide(&program, &current, &Command::Decision(input.clone()), utc(BEFORE)).unwrap_err();
        assert!(matches!(err, DomainError::Vote(_)), "{input:?}: {err:?}");
        assert!(err.is_invalid_input(), "{err:?}");
        assert_eq!(err.slug(), slug, "{input:?}");
    }
}

#[test]
fn each_command_records_what_it_carries() {
    let program = oslo_program();
    let now = utc(BEFORE);
    let today = today_of(&program, now);
    let run = |state: State, kind: CommandKind| {
        decide(&program, &enrollment_in(&program, state), &command_of(kind, today), now)
            .unwrap()
            .enrollment
    };

    let e = run(State::NoticeSent, CommandKind::Meetings);
    let Command::Meetings(m) = command_of(CommandKind::Meetings, today) else {
        unreachable!()
    };
    assert_eq!(e.meeting, Some(m));

    let e = run(State::MeetingScheduled, CommandKind::Decision);
    let d = e.decision.unwrap();
    assert_eq!(
        (d.votes_for, d.votes_against, d.outcome, d.unanimous),
        (20, 10, Outcome::Adopted, false)
    );
    assert_eq!(d.date, today - Duration::days(1));

    let e = run(State::Adopted, CommandKind::Exercise);
    assert_eq!(
        e.exercised_at,
        Some(now),
        "the exercise happens at the server's current time"
    );

    let e = run(State::Rejected, CommandKind::Decline);
    assert_eq!(e.declined_reason.as_deref(), Some("Kommunestyret vil ikke"));

    let e = run(State::OptionHeld, CommandKind::Preferences);
    let p = e.preferences.unwrap();
    assert_eq!(
        (p.preferred_month.to_string(), p.end_users),
        ("2022-11".to_owned(), 250)
    );

    let e = run(State::OptionExercised, CommandKind::Agreement);
    assert_eq!(e.envelope_id.as_deref(), Some("env-2"));

    let e = run(State::AgreementSent, CommandKind::AgreementWithdrawn);
    assert_eq!(e.envelope_id, None);
    assert_eq!(e.state, State::OptionExercised);

    let e = run(State::AgreementSigned, CommandKind::Golive);
    assert_eq!(e.golive_date, Some(today + Duration::days(60)));
    assert_eq!(e.end_users, Some(250));

    // Moving the go-live date again stays in golive_scheduled with the new date.
    let current = enrollment_in(&program, State::GoliveScheduled);
    let moved = Command::Golive {
        date: today + Duration::days(90),
        end_users: 300,
    };
    let e = decide(&program, &current, &moved, now).unwrap().enrollment;
    assert_eq!(
        (e.state, e.golive_date, e.end_users),
        (State::GoliveScheduled, Some(today + Duration::days(90)), Some(300))
    );
}

#[test]
fn golive_in_the_past_is_invalid_and_today_is_fine() {
    let program = oslo_program();
    // 00:30 in Oslo on 2 November while UTC is still on 1 November.
    let now = utc("2021-11-01T23:30:00Z");
    let current = enrollment_in(&program, State::AgreementSigned);
    let today = Command::Golive {
        date: date("2021-11-02"),
        end_users: 10,
    };
    assert!(decide(&program, &current, &today, now).is_ok());
    let yesterday = Command::Golive {
        date: date("2021-11-01"),
        end_users: 10,
    };
    let err = decide(&program, &current, &yesterday, now).unwrap_err();
    assert!(matches!(err, DomainError::Invalid { field: "date", .. }), "{err:?}");
    assert!(err.is_invalid_input());
}

#[test]
fn a_refused_command_leaves_the_enrollment_as_it_was() {
    // `decide` is pure: it takes the enrollment by reference and answers with a new one, so a
    // refusal cannot have touched it. Check the version does not move across a refusal.
    let program = oslo_program();
    let current = enrollment_in(&program, State::Live);
    let before = current.clone();
    assert!(decide(&program, &current, &Command::Live, utc(BEFORE)).is_err());
    assert_eq!(current, before);
}

#[test]
fn enroll_starts_in_option_held_at_version_one_with_the_deadline_instant() {
    let program = oslo_program();
    let now = utc("2021-09-02T08:00:00Z");
    let d = enroll(&program, new_enrollment(), now);
    let e = &d.enrollment;
    assert_eq!(e.state, State::OptionHeld);
    assert_eq!(e.version, 1);
    assert_eq!(e.option_deadline.to_rfc3339(), "2021-12-15T23:59:59+01:00");
    assert_eq!(
        (e.decision.as_ref(), e.envelope_id.as_ref(), e.golive_date),
        (None, None, None)
    );
    assert_eq!(e.head_hash, "0".repeat(64));
    assert_eq!((e.created_at, e.updated_at), (now, now));
    assert_eq!(d.events.len(), 1);
    assert_eq!(d.events[0].data["to"], json!("option_held"));
    assert!(d.effects.is_empty());

    // The enrollment shows at least the contract's fields.
    let shown = serde_json::to_value(e).unwrap();
    for field in [
        "number",
        "name",
        "state",
        "version",
        "option_deadline",
        "decision",
        "envelope_id",
        "golive_date",
        "updated_at",
    ] {
        assert!(shown.get(field).is_some(), "enrollment JSON lacks {field}: {shown}");
    }
    assert_eq!(shown["state"], json!("option_held"));
    assert_eq!(shown["number"], json!("5027"));
    assert_eq!(shown["decision"], Value::Null);
}

#[test]
fn a_whole_successful_enrollment_counts_versions_and_chains_into_a_verifiable_history() {
    let program = oslo_program();
    let t0 = utc("2021-09-02T08:00:00Z");
    let created = enroll(&program, new_enrollment(), t0);
    let mut e = created.enrollment;
    let mut history: Vec<crate::chain::Event> = Vec::new();
    let mut append = |e: &mut Enrollment, events: Vec<NewEvent>, at: DateTime<Utc>| {
        for ev in events {
            let seq = e.last_seq + 1;
            let chained =
                crate::chain::Event::chained(seq, ev.event_type, at, at, "program_admin:k1", ev.data, &e.head_hash);
            e.last_seq = seq;
            e.head_hash = chained.hash.clone();
            history.push(chained);
        }
    };
    append(&mut e, created.events, t0);

    let steps: [(Command, State, &str); 8] = [
        (Command::Notice, State::NoticeSent, "2021-09-03T08:00:00Z"),
        (
            command_of(CommandKind::Meetings, date("2021-10-13")),
            State::MeetingScheduled,
            "2021-09-10T08:00:00Z",
        ),
        (
            Command::Decision(vote(35, 33, 33, 0, None)),
            State::Adopted,
            "2021-10-21T08:00:00Z",
        ),
        // Exercised at 23:59:59 on the deadline date, Oslo time: just in time.
        (Command::Exercise, State::OptionExercised, "2021-12-15T22:59:59Z"),
        (
            command_of(CommandKind::Agreement, date("2021-12-16")),
            State::AgreementSent,
            "2021-12-16T08:00:00Z",
        ),
        (
            Command::AgreementCompleted {
                envelope_id: "env-2".into(),
            },
            State::AgreementSigned,
            "2021-12-20T08:00:00Z",
        ),
        (
            Command::Golive {
                date: date("2022-11-01"),
                end_users: 250,
            },
            State::GoliveScheduled,
            "2021-12-21T08:00:00Z",
        ),
        (Command::Live, State::Live, "2022-11-01T08:00:00Z"),
    ];
    for (i, (cmd, want, at)) in steps.into_iter().enumerate() {
        let now = utc(at);
        let d = decide(&program, &e, &cmd, now).unwrap_or_else(|err| panic!("step {}: {err}", i + 1));
        assert_eq!(d.enrollment.state, want);
        assert_eq!(d.enrollment.version, i as u64 + 2);
        let events = d.events;
        e = d.enrollment;
        append(&mut e, events, now);
    }
    assert!(e.decision.as_ref().unwrap().unanimous);
    let head = crate::chain::verify_events(&history).unwrap();
    assert_eq!(head.seq, 9);
    assert_eq!(head.hash, e.head_hash);
    assert_eq!(history[0].prev_hash, "0".repeat(64));
    // Nothing more can happen to a live enrollment.
    for k in CommandKind::ALL {
        assert!(
            decide(
                &program,
                &e,
                &command_of(k, date("2022-11-01")),
                utc("2022-11-02T08:00:00Z")
            )
            .is_err(),
            "{k}"
        );
    }
}
