//! The integrity check over a whole store: every enrollment's history must verify as a chain,
//! and its head must be the head the enrollment itself records. The second check catches what
//! the chain alone cannot: a deleted *last* event leaves a shorter chain that still verifies.

use crate::chain::{self, BrokenLink};
use crate::domain::{MunicipalityNumber, ProgramId};
use crate::ports::{Store, StoreError};

/// The verdict on one enrollment's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub program: ProgramId,
    pub number: MunicipalityNumber,
    pub events: u64,
    /// `None` when the history is intact.
    pub problem: Option<String>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

pub async fn check_store(store: &dyn Store) -> Result<Vec<ChainReport>, StoreError> {
    let mut reports = Vec::new();
    for program in store.programs().await? {
        for enrollment in store.enrollments(&program.id).await? {
            let events = store.events(&program.id, &enrollment.number).await?;
            let problem = match chain::verify_events(&events) {
                Err(BrokenLink { position, seq, problem }) => Some(format!("event {position} (seq {seq}): {problem}")),
                Ok(head) if head.seq != enrollment.last_seq || head.hash != enrollment.head_hash => Some(format!(
                    "the history ends at seq {} but the enrollment records seq {} as its head: events are missing",
                    head.seq, enrollment.last_seq
                )),
                Ok(_) => None,
            };
            reports.push(ChainReport {
                program: program.id.clone(),
                number: enrollment.number.clone(),
                events: events.len() as u64,
                problem,
            });
        }
    }
    Ok(reports)
}
