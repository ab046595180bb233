//! The go-live planner against the rules in its module documentation: by hand for each rule,
//! and as properties over arbitrary programs.

use super::*;
use crate::domain::{MunicipalityNumber, Preferences, Text};
use chrono::NaiveDate;
use proptest::prelude::*;

fn ym(s: &str) -> YearMonth {
    YearMonth::parse(s).unwrap()
}

/// Plans are made in October 2022 in these tests.
const NOW: &str = "2022-10";

fn enrollment(number: &str, state: State) -> Enrollment {
    let at = DateTime::parse_from_rfc3339("2022-10-01T08:00:00Z").unwrap().to_utc();
    Enrollment {
        name: Text::parse(&format!("Kommune {number}")).unwrap(),
        state,
        option_deadline: at.fixed_offset(),
        created_at: at,
        updated_at: at,
        ..crate::adapters::contract::fixtures::enrollment("helseplattformen", number, 1, 1, &"0".repeat(64))
    }
}

fn wishing(number: &str, state: State, month: &str, end_users: u32) -> Enrollment {
    Enrollment {
        preferences: Some(Preferences {
            preferred_month: ym(month),
            end_users,
        }),
        ..enrollment(number, state)
    }
}

fn scheduled(number: &str, date: &str, end_users: u32) -> Enrollment {
    Enrollment {
        golive_date: Some(date.parse::<NaiveDate>().unwrap()),
        end_users: Some(end_users),
        ..enrollment(number, State::GoliveScheduled)
    }
}

/// `(month, [numbers])` of each wave.
fn shape(plan: &Plan) -> Vec<(String, Vec<&str>)> {
    plan.waves
        .iter()
        .map(|w| {
            (
                w.month.to_string(),
                w.municipalities.iter().map(|p| p.number.as_str()).collect(),
            )
        })
        .collect()
}

fn reasons(plan: &Plan) -> Vec<(&str, &str)> {
    plan.unplanned
        .iter()
        .map(|u| (u.number.as_str(), u.reason.as_str()))
        .collect()
}

#[test]
fn preferred_months_are_honoured_when_there_is_room() {
    let plan = plan(
        &[
            wishing("5027", State::AgreementSigned, "2022-11", 400),
            wishing("5026", State::AgreementSigned, "2023-01", 300),
        ],
        1000,
        ym(NOW),
    );
    assert_eq!(
        shape(&plan),
        [("2022-11".into(), vec!["5027"]), ("2023-01".into(), vec!["5026"])]
    );
    assert_eq!(plan.waves[0].end_users, 400);
    assert!(plan.unplanned.is_empty());
}

#[test]
fn a_full_month_pushes_the_later_number_to_the_next_month_with_room() {
    let plan = plan(
        &[
            wishing("5029", State::AgreementSigned, "2022-11", 600),
            wishing("5027", State::AgreementSigned, "2022-11", 600),
            wishing("5028", State::AgreementSigned, "2022-12", 300),
        ],
        1000,
        ym(NOW),
    );
    assert_eq!(
        shape(&plan),
        [
            ("2022-11".into(), vec!["5027"]),
            ("2022-12".into(), vec!["5028", "5029"])
        ]
    );
    assert_eq!(plan.waves[1].end_users, 900);
}

#[test]
fn nobody_goes_live_before_the_agreement_can_be_signed() {
    let plan = plan(
        &[
            // Wishes a month already past: signed goes this month, unsigned the next.
            wishing("5027", State::AgreementSigned, "2022-03", 100),
            wishing("5026", State::AgreementSent, "2022-03", 100),
            wishing("5025", State::OptionExercised, "2022-10", 100),
            // Without a wished month, the count from `end_users`.
            Enrollment {
                end_users: Some(50),
                ..enrollment("5024", State::OptionExercised)
            },
        ],
        1000,
        ym(NOW),
    );
    assert_eq!(
        shape(&plan),
        [
            ("2022-10".into(), vec!["5027"]),
            ("2022-11".into(), vec!["5024", "5025", "5026"])
        ]
    );
    assert!(plan.waves[0].municipalities.iter().all(|p| p.signed));
    assert!(plan.waves[1].municipalities.iter().all(|p| !p.signed));
}

#[test]
fn the_month_after_december_is_january() {
    let plan = plan(
        &[wishing("5027", State::OptionExercised, "2022-01", 10)],
        10,
        ym("2022-12"),
    );
    assert_eq!(shape(&plan), [("2023-01".into(), vec!["5027"])]);
}

#[test]
fn scheduled_municipalities_keep_their_month_and_take_its_room() {
    let plan = plan(
        &[
            scheduled("5001", "2022-11-15", 700),
            wishing("5027", State::AgreementSigned, "2022-11", 400),
            scheduled("5002", "2022-11-20", 400),
        ],
        1000,
        ym(NOW),
    );
    assert_eq!(
        shape(&plan),
        [("2022-11".into(), vec!["5001"]), ("2022-12".into(), vec!["5027"])]
    );
    assert!(plan.waves[0].municipalities[0].scheduled);
    assert_eq!(
        reasons(&plan),
        [("5002", "scheduled for 2022-11, which is over the capacity")]
    );
}

#[test]
fn who_is_left_out_and_why() {
    let plan = plan(
        &[
            wishing("5001", State::Declined, "2022-11", 10),
            wishing("5002", State::Lapsed, "2022-11", 10),
            wishing("5003", State::Adopted, "2022-11", 10),
            wishing("5004", State::Live, "2022-11", 10),
            enrollment("5005", State::AgreementSigned),
            wishing("5006", State::AgreementSigned, "2022-11", 1001),
            wishing("5007", State::AgreementSigned, "2022-11", 1000),
        ],
        1000,
        ym(NOW),
    );
    assert_eq!(shape(&plan), [("2022-11".into(), vec!["5007"])]);
    assert_eq!(
        reasons(&plan),
        [
            ("5001", "declined"),
            ("5002", "lapsed"),
            ("5003", NOT_EXERCISED),
            ("5004", ALREADY_LIVE),
            ("5005", NO_COUNT),
            ("5006", TOO_BIG),
        ]
    );
}

#[test]
fn the_month_is_read_in_the_programs_time_zone() {
    let new_year_in_oslo = DateTime::parse_from_rfc3339("2022-12-31T23:30:00Z").unwrap().to_utc();
    assert_eq!(month_of(new_year_in_oslo, chrono_tz::Europe::Oslo), ym("2023-01"));
    assert_eq!(month_of(new_year_in_oslo, chrono_tz::UTC), ym("2022-12"));
}

const STATES: [State; 8] = [
    State::OptionExercised,
    State::AgreementSent,
    State::AgreementSigned,
    State::GoliveScheduled,
    State::Live,
    State::Declined,
    State::Lapsed,
    State::Adopted,
];

fn arbitrary_enrollment() -> impl Strategy<Value = Enrollment> {
    (
        0..STATES.len(),
        proptest::option::of((0..24u32, 1..1500u32)),
        proptest::option::of(1..1500u32),
        0..18u32,
    )
        .prop_map(|(state, wish, end_users, golive)| {
            let month = |offset: u32| {
                let mut m = ym("2022-01");
                for _ in 0..offset {
                    m = next_month(m);
                }
                m
            };
            let state = STATES[state];
            let mut e = enrollment("0301", state);
            e.preferences = wish.map(|(offset, end_users)| Preferences {
                preferred_month: month(offset),
                end_users,
            });
            if state == State::GoliveScheduled {
                let m = month(golive);
                e.golive_date = NaiveDate::from_ymd_opt(m.year, m.month, 10);
                e.end_users = end_users.or(Some(100));
            } else {
                e.end_users = end_users.filter(|_| state == State::Live);
            }
            e
        })
}

fn arbitrary_program() -> impl Strategy<Value = Vec<Enrollment>> {
    proptest::collection::vec(arbitrary_enrollment(), 0..30).prop_map(|mut list| {
        for (i, e) in list.iter_mut().enumerate() {
            e.number = MunicipalityNumber::parse(&format!("{:04}", 3001 + i * 7)).unwrap();
        }
        list
    })
}

proptest! {
    #[test]
    fn every_plan_keeps_the_rules(list in arbitrary_program(), capacity in 1..3000u32, now in 0..24u32) {
        let mut made_in = ym("2022-01");
        for _ in 0..now {
            made_in = next_month(made_in);
        }
        let p = plan(&list, capacity, made_in);
        let by_number = |n: &str| list.iter().find(|e| e.number.as_str() == n).unwrap();

        // Everyone exactly once.
        let mut seen: Vec<&str> = p.waves.iter().flat_map(|w| w.municipalities.iter().map(|m| m.number.as_str()))
            .chain(p.unplanned.iter().map(|u| u.number.as_str())).collect();
        seen.sort();
        let mut all: Vec<&str> = list.iter().map(|e| e.number.as_str()).collect();
        all.sort();
        prop_assert_eq!(seen, all);

        for (i, w) in p.waves.iter().enumerate() {
            // Capacity in every wave, and the total is the sum.
            let sum: u64 = w.municipalities.iter().map(|m| u64::from(m.end_users)).sum();
            prop_assert_eq!(sum, w.end_users);
            prop_assert!(w.end_users <= u64::from(capacity));
            prop_assert!(!w.municipalities.is_empty());
            if i > 0 {
                prop_assert!(p.waves[i - 1].month < w.month);
            }
            for m in &w.municipalities {
                let e = by_number(&m.number);
                prop_assert!(matches!(e.state, State::OptionExercised | State::AgreementSent | State::AgreementSigned | State::GoliveScheduled));
                prop_assert_eq!(m.signed, matches!(e.state, State::AgreementSigned | State::GoliveScheduled));
                if e.state == State::GoliveScheduled {
                    let d = e.golive_date.unwrap();
                    prop_assert_eq!(w.month, YearMonth { year: d.year(), month: d.month() });
                    continue;
                }
                // Nobody before their earliest month.
                let floor = if m.signed { made_in } else { next_month(made_in) };
                prop_assert!(w.month >= floor);
                if let Some(pref) = &e.preferences {
                    prop_assert!(w.month >= pref.preferred_month);
                }
            }
        }
        // Every month from a municipality's earliest to its own was too full to take it.
        for w in &p.waves {
            for m in w.municipalities.iter().filter(|m| !m.scheduled) {
                let e = by_number(&m.number);
                let floor = if m.signed { made_in } else { next_month(made_in) };
                let earliest = e.preferences.as_ref().map_or(floor, |p| p.preferred_month.max(floor));
                let mut month = earliest;
                while month < w.month {
                    let there = p.waves.iter().find(|x| x.month == month);
                    prop_assert!(there.is_some_and(|x| x.end_users + u64::from(m.end_users) > u64::from(capacity)),
                        "{} could have gone live in {}", m.number, month);
                    month = next_month(month);
                }
            }
        }
        for u in &p.unplanned {
            let e = by_number(&u.number);
            match e.state {
                State::Declined => prop_assert_eq!(&u.reason, "declined"),
                State::Lapsed => prop_assert_eq!(&u.reason, "lapsed"),
                State::Live => prop_assert_eq!(&u.reason, ALREADY_LIVE),
                State::Adopted => prop_assert_eq!(&u.reason, NOT_EXERCISED),
                _ => {
                    let count = e.end_users.or(e.preferences.as_ref().map(|p| p.end_users));
                    match count {
                        None => prop_assert_eq!(&u.reason, NO_COUNT),
                        Some(c) if c > capacity => prop_assert_eq!(&u.reason, TOO_BIG),
                        Some(_) => prop_assert!(e.state == State::GoliveScheduled && u.reason.starts_with("scheduled for")),
                    }
                }
            }
        }
        // Deterministic, whatever order the enrollments come in.
        let mut reversed = list.clone();
        reversed.reverse();
        prop_assert_eq!(plan(&reversed, capacity, made_in), p);
    }
}
