//! Clocks. The engine reads time only through the `Clock` port, so a test or a rehearsal can
//! move time forward and every deadline, token expiry and retry follows.

use crate::ports::Clock;
use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;
use std::time::Instant;

/// The real time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock for `--allow-time-travel`: it runs at real speed from a settable starting point, and
/// can only be moved forward, so nothing already recorded ends up in the future.
pub struct TravelClock {
    anchor: Mutex<(DateTime<Utc>, Instant)>,
}

#[derive(Debug, thiserror::Error)]
#[error("the clock can only move forward: it is {now}, {requested} is earlier")]
pub struct BackwardsInTime {
    pub now: DateTime<Utc>,
    pub requested: DateTime<Utc>,
}

impl TravelClock {
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        TravelClock {
            anchor: Mutex::new((start, Instant::now())),
        }
    }

    /// Moves the clock to `to`, which must not be earlier than now.
    pub fn set(&self, to: DateTime<Utc>) -> Result<DateTime<Utc>, BackwardsInTime> {
        let mut anchor = self.anchor.lock().expect("clock lock");
        let now = Self::read(&anchor);
        if to < now {
            return Err(BackwardsInTime { now, requested: to });
        }
        *anchor = (to, Instant::now());
        Ok(to)
    }

    fn read(anchor: &(DateTime<Utc>, Instant)) -> DateTime<Utc> {
        let elapsed = Duration::from_std(anchor.1.elapsed()).unwrap_or(Duration::zero());
        anchor.0 + elapsed
    }
}

impl Clock for TravelClock {
    fn now(&self) -> DateTime<Utc> {
        Self::read(&self.anchor.lock().expect("clock lock"))
    }
}

/// A clock that stands still until moved: for unit tests and for replaying history (the demo).
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn at(t: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(t))
    }
    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = t;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}
