//! The figures of one function over all its spawns, as they go into coldstart.json.

use crate::functions::Kind;
use crate::spawn::Sample;
use crate::stats::{round2, Summary};
use serde::Serialize;

const MIB: f64 = 1024.0 * 1024.0;

/// Every spawn of one function, and its deployment package's size.
pub struct Measured {
    pub kind: Kind,
    pub name: String,
    pub samples: Vec<Sample>,
    /// Why the other spawns gave no sample.
    pub failures: Vec<String>,
    /// The zipped arm64 package (for Node.js: the handler with its node_modules).
    pub zipped_bytes: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct FunctionFigures {
    /// Spawns that were answered; each is a sample.
    pub spawns: usize,
    pub failed_spawns: usize,
    /// The first few failures, word for word.
    pub failures: Vec<String>,
    /// Process spawn → first invocation's response received.
    pub cold_start_ms: Option<Summary>,
    /// Process spawn → first event taken: the init phase alone.
    pub init_ms: Option<Summary>,
    /// High-water resident set (VmHWM) at the time of the answer.
    pub peak_rss_mib: Option<Summary>,
    pub zipped_mib: Option<f64>,
    /// The most connections any spawn opened to an AWS endpoint before its first event.
    pub aws_connections_before_first_event: usize,
    /// The most connections any spawn opened to AWS endpoints before it answered.
    pub aws_connections_until_answer: usize,
    /// What the first spawn asked of AWS while answering (DynamoDB operations).
    pub aws_operations: Vec<String>,
    /// Process spawn → first connection to an AWS endpoint, over the spawns that made one.
    pub first_aws_connection_ms: Option<Summary>,
}

impl Measured {
    pub fn figures(&self) -> FunctionFigures {
        let series = |f: &dyn Fn(&Sample) -> Option<f64>| {
            let values: Vec<f64> = self.samples.iter().filter_map(f).collect();
            Summary::of(&values).map(Summary::rounded)
        };
        let most = |f: &dyn Fn(&Sample) -> usize| self.samples.iter().map(f).max().unwrap_or(0);
        FunctionFigures {
            spawns: self.samples.len(),
            failed_spawns: self.failures.len(),
            failures: self.failures.iter().take(3).cloned().collect(),
            cold_start_ms: series(&|s| Some(s.cold_start_ms)),
            init_ms: series(&|s| Some(s.init_ms)),
            peak_rss_mib: series(&|s| s.peak_rss_kib.map(|kib| kib as f64 / 1024.0)),
            zipped_mib: self.zipped_bytes.map(|bytes| round2(bytes as f64 / MIB)),
            aws_connections_before_first_event: most(&|s| s.aws_connections_before_event),
            aws_connections_until_answer: most(&|s| s.aws_connections),
            aws_operations: self
                .samples
                .first()
                .map(|s| s.aws_operations.clone())
                .unwrap_or_default(),
            first_aws_connection_ms: series(&|s| s.first_aws_connection_ms),
        }
    }
}

impl FunctionFigures {
    pub fn median_ms(&self) -> Option<f64> {
        self.cold_start_ms.map(|s| s.median)
    }

    /// The largest peak RSS of any spawn.
    pub fn worst_rss_mib(&self) -> Option<f64> {
        self.peak_rss_mib.map(|s| s.max)
    }
}
