//! Go-live planning: which municipality goes live in which month, so that no month takes more
//! end users than the counterparty can bring on board (`capacity`).
//!
//! A pure function of the enrollments, the capacity and the month the plan is made in (the
//! engine's clock read in the program's time zone); `GET /v1/programs/{pid}/golive-plan` shows
//! its answer as JSON and `…/golive-plan.svg` as a picture ([`crate::planning_svg`]).
//!
//! The rules:
//! - Every enrollment appears exactly once: in one wave, or in `unplanned` with a reason.
//! - Planned are the municipalities that have exercised the option and are not live yet:
//!   `option_exercised`, `agreement_sent` (both *not yet signed*), `agreement_signed` and
//!   `golive_scheduled`.
//! - Left out, in `unplanned`: `declined` ("declined"), `lapsed` ("lapsed"), those still before
//!   the exercise ("option not exercised") and those already `live` ("already live").
//! - End users are the enrollment's `end_users` (set when go-live is scheduled), else those of
//!   its `preferences`. Without either: unplanned, "no end-user count". More end users than
//!   the capacity: unplanned, "more end users than the capacity".
//! - A `golive_scheduled` municipality keeps the month of its `golive_date` and counts against
//!   that month's capacity. Scheduled ones are placed first (by month, then number); one that
//!   no longer fits its month goes to `unplanned` ("scheduled for YYYY-MM, which is over the
//!   capacity"), so that no wave ever holds more than the capacity.
//! - Everyone else gets an earliest month: the month the plan is made when the agreement is
//!   signed, the month after it when it is not (the agreement can be signed this month at the
//!   earliest); a preferred month later than that moves it later. They are placed greedily, by
//!   earliest month then municipality number, each in the first month from its earliest that
//!   still has room: the preferred month when capacity allows, otherwise the next month that does.
//! - A wave lists its municipalities by number, and in `unsigned` those not signed yet.
//!   Waves are ordered by month, `unplanned` by number: the same input gives the same plan.

use crate::domain::{Enrollment, State, YearMonth};
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// One municipality in a wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub number: String,
    pub name: String,
    pub end_users: u32,
    /// The agreement is signed (`agreement_signed` or `golive_scheduled`).
    pub signed: bool,
    /// Its go-live date is already scheduled in this month.
    pub scheduled: bool,
}

/// The municipalities going live in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wave {
    pub month: YearMonth,
    pub end_users: u64,
    /// By municipality number.
    pub municipalities: Vec<Placed>,
}

/// A municipality that is not in any wave, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unplanned {
    pub number: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub capacity: u32,
    /// The month the plan was made in.
    pub made_in: YearMonth,
    pub waves: Vec<Wave>,
    pub unplanned: Vec<Unplanned>,
}

pub const NO_COUNT: &str = "no end-user count";
pub const TOO_BIG: &str = "more end users than the capacity";
pub const NOT_EXERCISED: &str = "option not exercised";
pub const ALREADY_LIVE: &str = "already live";

/// The calendar month of `now` in the zone `tz`.
pub fn month_of(now: DateTime<Utc>, tz: Tz) -> YearMonth {
    let local = now.with_timezone(&tz);
    YearMonth {
        year: local.year(),
        month: local.month(),
    }
}

pub fn next_month(m: YearMonth) -> YearMonth {
    if m.month >= 12 {
        YearMonth {
            year: m.year + 1,
            month: 1,
        }
    } else {
        YearMonth {
            year: m.year,
            month: m.month + 1,
        }
    }
}

/// Plans the go-live of `enrollments` in months of at most `capacity` end users, made in the
/// month `made_in`. `capacity` is at least 1 (the HTTP layer refuses 0).
pub fn plan(enrollments: &[Enrollment], capacity: u32, made_in: YearMonth) -> Plan {
    let mut unplanned = Vec::new();
    let mut scheduled = Vec::new();
    let mut open = Vec::new();
    for e in enrollments {
        let number = e.number.to_string();
        let name = e.name.to_string();
        let leave = |reason: &str| Unplanned {
            number: number.clone(),
            name: name.clone(),
            reason: reason.to_owned(),
        };
        let reason = match e.state {
            State::Declined => Some("declined"),
            State::Lapsed => Some("lapsed"),
            State::Live => Some(ALREADY_LIVE),
            s if s.is_before_exercise() => Some(NOT_EXERCISED),
            _ => None,
        };
        if let Some(reason) = reason {
            unplanned.push(leave(reason));
            continue;
        }
        let Some(users) = e.end_users.or(e.preferences.as_ref().map(|p| p.end_users)) else {
            unplanned.push(leave(NO_COUNT));
            continue;
        };
        if users > capacity {
            unplanned.push(leave(TOO_BIG));
            continue;
        }
        let signed = matches!(e.state, State::AgreementSigned | State::GoliveScheduled);
        let placed = Placed {
            number,
            name,
            end_users: users,
            signed,
            scheduled: false,
        };
        match (e.state, e.golive_date) {
            (State::GoliveScheduled, Some(date)) => {
                let month = YearMonth {
                    year: date.year(),
                    month: date.month(),
                };
                scheduled.push((
                    month,
                    Placed {
                        scheduled: true,
                        ..placed
                    },
                ));
            }
            _ => {
                let floor = if signed { made_in } else { next_month(made_in) };
                let earliest = e.preferences.as_ref().map_or(floor, |p| p.preferred_month.max(floor));
                open.push((earliest, placed));
            }
        }
    }

    let mut months: BTreeMap<YearMonth, (u64, Vec<Placed>)> = BTreeMap::new();
    let by_month_then_number =
        |a: &(YearMonth, Placed), b: &(YearMonth, Placed)| a.0.cmp(&b.0).then_with(|| a.1.number.cmp(&b.1.number));
    scheduled.sort_by(by_month_then_number);
    for (month, placed) in scheduled {
        let slot = months.entry(month).or_default();
        if slot.0 + u64::from(placed.end_users) > u64::from(capacity) {
            unplanned.push(Unplanned {
                number: placed.number,
                name: placed.name,
                reason: format!("scheduled for {month}, which is over the capacity"),
            });
            continue;
        }
        slot.0 += u64::from(placed.end_users);
        slot.1.push(placed);
    }
    open.sort_by(by_month_then_number);
    for (earliest, placed) in open {
        let mut month = earliest;
        // Each count is at most the capacity, so an empty month is always found.
        while months
            .get(&month)
            .is_some_and(|slot| slot.0 + u64::from(placed.end_users) > u64::from(capacity))
        {
            month = next_month(month);
        }
        let slot = months.entry(month).or_default();
        slot.0 += u64::from(placed.end_users);
        slot.1.push(placed);
    }

    let waves = months
        .into_iter()
        .filter(|(_, (_, list))| !list.is_empty())
        .map(|(month, (end_users, mut municipalities))| {
            municipalities.sort_by(|a, b| a.number.cmp(&b.number));
            Wave {
                month,
                end_users,
                municipalities,
            }
        })
        .collect();
    unplanned.sort_by(|a, b| a.number.cmp(&b.number));
    Plan {
        capacity,
        made_in,
        waves,
        unplanned,
    }
}

#[cfg(test)]
#[path = "planning_tests.rs"]
mod tests;
