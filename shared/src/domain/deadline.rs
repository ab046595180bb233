//! The option deadline is a date; it ends at 23:59:59 of that date in the program's time zone.
//! We hold it as an instant so every comparison is between instants, whatever the zone or DST.

use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The last second of `date` in `tz`, as an instant with that zone's offset.
///
/// If the zone repeats that wall-clock second (a DST fall-back at midnight) we take the later
/// one, so nobody loses time; if it skips it (a spring-forward at midnight) we take the last
/// second that exists before the next day.
pub fn end_of_day(date: NaiveDate, tz: Tz) -> DateTime<FixedOffset> {
    let last_second = date.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"));
    let instant = match tz.from_local_datetime(&last_second) {
        LocalResult::Single(t) => t,
        LocalResult::Ambiguous(_, later) => later,
        LocalResult::None => {
            // 23:59:59 does not exist: the day ends where the next day begins, minus a second.
            let next = date.succ_opt().expect("date in range");
            first_instant_of(next, tz) - Duration::seconds(1)
        }
    };
    instant.fixed_offset()
}

/// The first instant of `date` in `tz` (midnight, or the first moment after a gap; for a day
/// the zone skipped entirely, the first instant after it).
pub fn first_instant_of(date: NaiveDate, tz: Tz) -> DateTime<Tz> {
    let mut t = date.and_time(NaiveTime::MIN);
    // Gaps are usually an hour, but a zone can skip a whole day (Samoa skipped 2011-12-30):
    // walk forward a minute at a time, into the next day if need be, until the time exists.
    for _ in 0..(48 * 60) {
        match tz.from_local_datetime(&t) {
            LocalResult::Single(x) => return x,
            LocalResult::Ambiguous(earlier, _) => return earlier,
            LocalResult::None => t += Duration::minutes(1),
        }
    }
    unreachable!("no time zone skips two whole days")
}

/// True once the option can no longer be exercised: one second after 23:59:59, i.e. from the
/// first instant the deadline's last second is over.
pub fn has_passed(deadline: DateTime<FixedOffset>, now: DateTime<Utc>) -> bool {
    now >= deadline.with_timezone(&Utc) + Duration::seconds(1)
}

/// Today's date in the program's zone: a meeting "today" in Oslo is today even at 00:30 CET.
pub fn today_in(tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// Days before the deadline on which the municipality's contact is reminded, latest last.
pub const REMINDER_DAYS: [u32; 4] = [30, 14, 7, 1];

/// The reminder due at `now`: the latest of those whose day (from 00:00 program time, `days`
/// calendar days before the deadline date) has begun and that is later than the last one sent.
/// A sweep that finds several due sends only this one; the earlier ones are skipped for good.
pub fn reminder_due(
    deadline: DateTime<FixedOffset>,
    tz: Tz,
    last_sent: Option<u32>,
    now: DateTime<Utc>,
) -> Option<u32> {
    if has_passed(deadline, now) {
        return None;
    }
    let date = deadline.with_timezone(&tz).date_naive();
    REMINDER_DAYS
        .into_iter()
        .filter(|days| last_sent.is_none_or(|last| *days < last))
        .filter(|days| {
            let day = date - Duration::days(i64::from(*days));
            first_instant_of(day, tz).with_timezone(&Utc) <= now
        })
        .min()
}
