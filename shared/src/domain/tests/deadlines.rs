//! The option deadline ends at 23:59:59 of its date in the program's time zone, whatever the
//! zone and whatever daylight saving time does that day.

use super::*;
use chrono::{FixedOffset, Offset, TimeZone};
use chrono_tz::Tz;
use deadline::{end_of_day, first_instant_of, has_passed, today_in};

fn tz(name: &str) -> Tz {
    name.parse().unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn end(day: &str, zone: &str) -> String {
    end_of_day(date(day), tz(zone)).to_rfc3339()
}

fn second() -> Duration {
    Duration::seconds(1)
}

#[test]
fn the_deadline_ends_at_23_59_59_oslo_time_in_winter_and_in_summer() {
    assert_eq!(end("2021-12-15", "Europe/Oslo"), "2021-12-15T23:59:59+01:00");
    assert_eq!(end("2022-01-31", "Europe/Oslo"), "2022-01-31T23:59:59+01:00");
    assert_eq!(end("2021-06-30", "Europe/Oslo"), "2021-06-30T23:59:59+02:00");
    assert_eq!(end("2022-08-01", "Europe/Oslo"), "2022-08-01T23:59:59+02:00");
}

#[test]
fn the_deadline_on_the_day_summer_time_ends_is_in_winter_time() {
    // Clocks went back from 03:00 to 02:00 on the morning of 31 October 2021.
    assert_eq!(end("2021-10-31", "Europe/Oslo"), "2021-10-31T23:59:59+01:00");
    assert_eq!(end("2021-10-30", "Europe/Oslo"), "2021-10-30T23:59:59+02:00");
}

#[test]
fn the_deadline_on_the_day_summer_time_begins_is_in_summer_time() {
    // Clocks went forward from 02:00 to 03:00 on the morning of 28 March 2021.
    assert_eq!(end("2021-03-28", "Europe/Oslo"), "2021-03-28T23:59:59+02:00");
    assert_eq!(end("2021-03-27", "Europe/Oslo"), "2021-03-27T23:59:59+01:00");
}

#[test]
fn the_programs_deadline_instant_uses_its_zone_and_defaults_to_oslo() {
    assert_eq!(
        oslo_program().deadline_instant().to_rfc3339(),
        "2021-12-15T23:59:59+01:00"
    );
    assert_eq!(Program::DEFAULT_TIME_ZONE, "Europe/Oslo");
    let auckland = program_with("2022-01-31", "Pacific/Auckland");
    assert_eq!(auckland.deadline_instant().to_rfc3339(), "2022-01-31T23:59:59+13:00");
    let winter_auckland = program_with("2022-07-01", "Pacific/Auckland");
    assert_eq!(
        winter_auckland.deadline_instant().to_rfc3339(),
        "2022-07-01T23:59:59+12:00"
    );
}

#[test]
fn has_passed_is_false_at_the_last_millisecond_and_true_at_midnight() {
    for (day, zone) in [
        ("2021-12-15", "Europe/Oslo"),
        ("2021-06-30", "Europe/Oslo"),
        ("2022-01-31", "Pacific/Auckland"),
    ] {
        let deadline = end_of_day(date(day), tz(zone));
        let last = deadline.with_timezone(&Utc);
        assert!(!has_passed(deadline, last - Duration::days(30)));
        assert!(!has_passed(deadline, last), "{day} {zone}: 23:59:59.000");
        assert!(
            !has_passed(deadline, last + Duration::milliseconds(999)),
            "{day} {zone}: 23:59:59.999"
        );
        assert!(!has_passed(deadline, last + Duration::nanoseconds(999_999_999)));
        let midnight = last + second();
        assert_eq!(
            midnight.with_timezone(&tz(zone)).format("%H:%M:%S").to_string(),
            "00:00:00"
        );
        assert!(has_passed(deadline, midnight), "{day} {zone}: 00:00:00 the next day");
        assert!(has_passed(deadline, midnight + Duration::days(400)));
    }
    // Explicitly, in UTC: Oslo's 15 December ends at 22:59:59 UTC.
    let deadline = end_of_day(date("2021-12-15"), tz("Europe/Oslo"));
    assert!(!has_passed(deadline, utc("2021-12-15T22:59:59.999Z")));
    assert!(has_passed(deadline, utc("2021-12-15T23:00:00Z")));
}

fn exercise_at(program: &Program, now: &str) -> Result<Decided, DomainError> {
    let current = enrollment_in(program, State::Adopted);
    decide(program, &current, &Command::Exercise, utc(now))
}

#[test]
fn exercise_at_23_59_59_on_the_deadline_is_allowed() {
    let d = exercise_at(&oslo_program(), "2021-12-15T23:59:59+01:00").unwrap();
    assert_eq!(d.enrollment.state, State::OptionExercised);
    assert_eq!(d.enrollment.exercised_at, Some(utc("2021-12-15T22:59:59Z")));
    assert!(exercise_at(&oslo_program(), "2021-12-15T23:59:59.999+01:00").is_ok());
}

#[test]
fn exercise_one_second_after_the_deadline_is_refused_with_409() {
    let program = oslo_program();
    let err = exercise_at(&program, "2021-12-16T00:00:00+01:00").unwrap_err();
    assert_eq!(
        err,
        DomainError::DeadlinePassed {
            deadline: program.deadline_instant()
        }
    );
    assert!(!err.is_invalid_input(), "after the deadline is 409, not 422");
    assert_eq!(err.slug(), "deadline-passed");
    assert!(err.to_string().contains("2021-12-15 23:59:59 +01:00"), "{err}");
}

#[test]
fn exercise_in_summer_time_is_allowed_until_23_59_59_cest() {
    let program = program_with("2022-06-30", "Europe/Oslo");
    assert!(exercise_at(&program, "2022-06-30T21:59:59Z").is_ok());
    assert!(matches!(
        exercise_at(&program, "2022-06-30T22:00:00Z"),
        Err(DomainError::DeadlinePassed { .. })
    ));
}

#[test]
fn the_lapse_is_refused_until_the_second_after_the_deadline() {
    let program = oslo_program();
    let current = enrollment_in(&program, State::NoticeSent);
    let at = |s: &str| decide(&program, &current, &Command::Lapse, utc(s));
    assert!(matches!(
        at("2021-12-15T23:59:59+01:00"),
        Err(DomainError::DeadlineNotPassed { .. })
    ));
    let d = at("2021-12-16T00:00:00+01:00").unwrap();
    assert_eq!(d.enrollment.state, State::Lapsed);
    assert_eq!(d.events[0].data["from"], "notice_sent");
    assert_eq!(d.events[0].data["to"], "lapsed");
}

#[test]
fn a_deadline_in_pacific_auckland_ends_at_auckland_midnight() {
    // 23:59:59 NZDT (+13:00) on 31 January 2022 is 10:59:59 UTC the same day.
    let program = program_with("2022-01-31", "Pacific/Auckland");
    assert!(exercise_at(&program, "2022-01-31T10:59:59Z").is_ok());
    assert!(matches!(
        exercise_at(&program, "2022-01-31T11:00:00Z"),
        Err(DomainError::DeadlinePassed { .. })
    ));
    // An Oslo program with the same date is still open then.
    assert!(exercise_at(&program_with("2022-01-31", "Europe/Oslo"), "2022-01-31T11:00:00Z").is_ok());
}

#[test]
fn santiago_repeats_the_last_hour_of_a_day_and_the_deadline_takes_the_later_one() {
    // Chile left summer time at 24:00 on 2 April 2022: 23:00-24:00 came twice (-03:00, then -04:00).
    assert_eq!(end("2022-04-02", "America/Santiago"), "2022-04-02T23:59:59-04:00");
    // Chile began summer time at 24:00 on 10 September 2022: 11 September began at 01:00 (-03:00).
    assert_eq!(end("2022-09-10", "America/Santiago"), "2022-09-10T23:59:59-04:00");
    assert_eq!(
        first_instant_of(date("2022-09-11"), tz("America/Santiago")).to_rfc3339(),
        "2022-09-11T01:00:00-03:00"
    );
    assert_eq!(end("2022-09-11", "America/Santiago"), "2022-09-11T23:59:59-03:00");
}

#[test]
fn havana_skips_and_repeats_midnight_without_harm() {
    // Cuba went from 00:00 to 01:00 on 13 March 2022, and from 01:00 back to 00:00 on 6 November 2022.
    assert_eq!(end("2022-03-12", "America/Havana"), "2022-03-12T23:59:59-05:00");
    assert_eq!(
        first_instant_of(date("2022-03-13"), tz("America/Havana")).to_rfc3339(),
        "2022-03-13T01:00:00-04:00"
    );
    assert_eq!(end("2022-11-05", "America/Havana"), "2022-11-05T23:59:59-04:00");
    // Midnight came twice; the day began at the first.
    assert_eq!(
        first_instant_of(date("2022-11-06"), tz("America/Havana")).to_rfc3339(),
        "2022-11-06T00:00:00-04:00"
    );
    assert_eq!(end("2022-11-06", "America/Havana"), "2022-11-06T23:59:59-05:00");
}

#[test]
fn a_day_whose_last_hour_does_not_exist_ends_at_its_last_existing_second() {
    // Bangladesh jumped from 23:00 to 24:00 on 19 June 2009: 23:59:59 never happened there.
    assert_eq!(end("2009-06-19", "Asia/Dhaka"), "2009-06-19T22:59:59+06:00");
    // Iran left summer time at 24:00 on 21 September 2022: 23:00-24:00 came twice.
    assert_eq!(end("2022-09-21", "Asia/Tehran"), "2022-09-21T23:59:59+03:30");
}

/// Zones whose DST changes happen at or around midnight, and some ordinary ones.
const ZONES: [&str; 11] = [
    "Europe/Oslo",
    "America/Santiago",
    "America/Havana",
    "America/Asuncion",
    "America/Sao_Paulo",
    "Asia/Tehran",
    "Asia/Beirut",
    "Asia/Dhaka",
    "Pacific/Auckland",
    "Australia/Lord_Howe",
    "America/Godthab",
];

#[test]
fn every_day_from_2000_to_2035_in_awkward_zones_ends_exactly_where_the_next_begins() {
    let mut failures = Vec::new();
    for name in ZONES {
        let zone = tz(name);
        let mut day = date("2000-01-01");
        while day <= date("2035-12-31") {
            let next = day.succ_opt().unwrap();
            let deadline = end_of_day(day, zone);
            let last = deadline.with_timezone(&Utc);
            let local = deadline.with_timezone(&zone);
            let real_offset: FixedOffset = zone.offset_from_utc_datetime(&last.naive_utc()).fix();
            let mut problems = Vec::new();
            if local.date_naive() != day {
                problems.push(format!("local date {}", local.date_naive()));
            }
            if *deadline.offset() != real_offset {
                problems.push(format!("offset {} but the zone has {real_offset}", deadline.offset()));
            }
            if (last + second()).with_timezone(&zone).date_naive() != next {
                problems.push("the second after is not the next day".to_owned());
            }
            if first_instant_of(next, zone).with_timezone(&Utc) != last + second() {
                problems.push(format!(
                    "the next day begins at {}",
                    first_instant_of(next, zone).to_rfc3339()
                ));
            }
            if has_passed(deadline, last + Duration::milliseconds(999)) || !has_passed(deadline, last + second()) {
                problems.push("has_passed is wrong around the last second".to_owned());
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{name} {day} -> {}: {}",
                    deadline.to_rfc3339(),
                    problems.join("; ")
                ));
            }
            day = next;
        }
    }
    assert!(
        failures.is_empty(),
        "{} days wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_deadline_on_a_day_the_zone_skipped_entirely_does_not_panic() {
    // Samoa skipped 30 December 2011: 29 December 23:59:59 (-10:00) was followed by 31 December
    // 00:00:00 (+14:00).
    let apia = tz("Pacific/Apia");
    assert_eq!(end("2011-12-29", "Pacific/Apia"), "2011-12-29T23:59:59-10:00");
    assert_eq!(end("2011-12-31", "Pacific/Apia"), "2011-12-31T23:59:59+14:00");
    let skipped = end_of_day(date("2011-12-30"), apia);
    // Nothing of that day exists, so its end can only be where 31 December begins, minus a second.
    assert_eq!(skipped.with_timezone(&Utc), utc("2011-12-30T09:59:59Z"));
    assert!(has_passed(skipped, utc("2011-12-30T10:00:00Z")));
}

#[test]
fn the_first_instant_of_a_day_the_zone_skipped_entirely_does_not_panic() {
    // `first_instant_of` assumes "no time zone skips a whole day", but Samoa (and Tokelau) skipped
    // 30 December 2011. The first instant at or after that date's midnight is 31 December 00:00 +14:00.
    let apia = tz("Pacific/Apia");
    let first = std::panic::catch_unwind(|| first_instant_of(date("2011-12-30"), apia));
    let first = first.expect("first_instant_of panicked for a skipped day");
    assert_eq!(first.with_timezone(&Utc), utc("2011-12-30T10:00:00Z"));
}

#[test]
fn today_in_oslo_at_00_30_is_already_the_next_day() {
    let oslo = tz("Europe/Oslo");
    assert_eq!(today_in(oslo, utc("2021-11-01T23:30:00Z")), date("2021-11-02"));
    assert_eq!(today_in(oslo, utc("2021-11-01T22:59:59Z")), date("2021-11-01"));
    assert_eq!(today_in(oslo, utc("2021-06-14T22:30:00Z")), date("2021-06-15"));
    assert_eq!(today_in(oslo, utc("2021-06-14T21:59:59Z")), date("2021-06-14"));
    assert_eq!(
        today_in(tz("Pacific/Auckland"), utc("2021-11-01T12:00:00Z")),
        date("2021-11-02")
    );
    assert_eq!(
        today_in(tz("America/Santiago"), utc("2021-11-02T02:00:00Z")),
        date("2021-11-01")
    );
}

#[test]
fn the_deadline_instant_round_trips_as_rfc_3339_with_its_offset() {
    let e = enrollment_in(&oslo_program(), State::OptionHeld);
    let shown = serde_json::to_value(&e).unwrap();
    assert_eq!(shown["option_deadline"], "2021-12-15T23:59:59+01:00");
    let back: Enrollment = serde_json::from_value(shown).unwrap();
    assert_eq!(back.option_deadline, e.option_deadline);
    assert_eq!(back.option_deadline.offset().local_minus_utc(), 3600);
}

#[test]
fn deadline_reminders_begin_at_midnight_program_time_and_only_the_latest_due_is_sent() {
    let program = oslo_program(); // deadline 2021-12-15, Oslo
    let deadline = program.deadline_instant();
    let tz = program.tz();
    let due = |last, now: &str| deadline::reminder_due(deadline, tz, last, utc(now));
    // 30 days before 15.12 is 15.11, from 00:00 Oslo (23:00 UTC the day before).
    assert_eq!(due(None, "2021-11-14T22:59:59Z"), None);
    assert_eq!(due(None, "2021-11-14T23:00:00Z"), Some(30));
    assert_eq!(due(Some(30), "2021-11-20T12:00:00Z"), None, "each reminder once");
    // A sweep that finds 30, 14 and 7 due at once sends only the 7-day one...
    assert_eq!(due(None, "2021-12-08T06:00:00Z"), Some(7));
    // ...and never goes back to the skipped ones.
    assert_eq!(due(Some(7), "2021-12-09T06:00:00Z"), None);
    assert_eq!(due(Some(7), "2021-12-13T23:00:00Z"), Some(1));
    assert_eq!(due(Some(1), "2021-12-15T23:00:00Z"), None);
    assert_eq!(
        due(None, "2021-12-16T00:00:00Z"),
        None,
        "no reminder after the deadline"
    );
}
