//! Summaries of a series of measurements.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub median: f64,
    /// Nearest rank: the smallest value at least 90 % of the series do not exceed.
    pub p90: f64,
    pub min: f64,
    pub max: f64,
}

impl Summary {
    /// None for an empty series.
    pub fn of(values: &[f64]) -> Option<Summary> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        let p90 = sorted[(n * 9).div_ceil(10) - 1];
        Some(Summary {
            median,
            p90,
            min: sorted[0],
            max: sorted[n - 1],
        })
    }

    /// Rounded for the reports: a hundredth of a millisecond or MiB is below the noise.
    pub fn rounded(self) -> Summary {
        Summary {
            median: round2(self.median),
            p90: round2(self.p90),
            min: round2(self.min),
            max: round2(self.max),
        }
    }
}

pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_nearest_rank_p90() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        let summary = Summary::of(&values).unwrap();
        assert_eq!(
            (summary.median, summary.p90, summary.min, summary.max),
            (10.5, 18.0, 1.0, 20.0)
        );
        let odd = Summary::of(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!((odd.median, odd.p90), (3.0, 5.0));
        assert!(Summary::of(&[]).is_none());
    }
}
