//! `execute`: the one place where commands run, whatever their source (HTTP, inbound webhook,
//! scheduler, CLI). Load, decide, chain, commit — one atomic write — and answer from what was
//! committed. A lost race is retried against the new state, or answered 412 when the caller
//! pinned a version with `If-Match`.

use crate::domain::{
    self, Command, Decided, DomainError, Enrollment, Envelope, MunicipalityNumber, NewEnrollment, Program, ProgramId,
};
use crate::ports::{Clock, Documents, IdempotencyRecord, Store, StoreError};
use crate::problem::Problem;
use crate::signing::keys::KeySource;
use chrono::{DateTime, SubsecRound, Utc};
use commit::{backoff, build_commit};
use std::sync::Arc;
use tokio::sync::Notify;

/// How often a command is re-decided after losing a race to another process before we give up
/// (503). Within one process commands on one enrollment queue on a lock and never race.
const MAX_ATTEMPTS: u32 = 10;
/// Independent locks; enrollments share one only by hash collision, which merely queues them.
const LOCK_STRIPES: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    AlreadyExists(String),
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("If-Match names version {given}, the enrollment is at version {current}")]
    VersionMismatch { given: u64, current: u64 },
    #[error("this Idempotency-Key was used with another request")]
    IdempotencyKeyReused,
    #[error("too many concurrent changes to this enrollment; try again")]
    Busy,
    /// Signing is not set up, or its keys or document store failed; nothing was changed.
    #[error("signing is unavailable: {0}")]
    Signing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ServiceError {
    pub fn problem(&self) -> Problem {
        let detail = self.to_string();
        match self {
            ServiceError::NotFound(_) => Problem::new(404, "not-found", detail),
            ServiceError::AlreadyExists(_) => Problem::new(409, "already-exists", detail),
            ServiceError::Domain(e) if e.is_invalid_input() => Problem::new(422, e.slug(), detail),
            ServiceError::Domain(e) => Problem::new(409, e.slug(), detail),
            ServiceError::VersionMismatch { .. } => Problem::new(412, "version-mismatch", detail),
            ServiceError::IdempotencyKeyReused => Problem::new(422, "idempotency-key-reused", detail),
            ServiceError::Busy => Problem::new(503, "busy", detail),
            ServiceError::Signing(_) => Problem::new(
                503,
                "signing-unavailable",
                "signing is unavailable; nothing was changed, try again",
            ),
            ServiceError::Store(StoreError::Conflict(_)) => Problem::new(409, "conflict", detail),
            ServiceError::Store(StoreError::Unavailable(_)) => {
                // The backend's message stays in the logs; the caller learns only that it failed.
                Problem::new(
                    503,
                    "store-unavailable",
                    "storage is unavailable; nothing was changed, try again",
                )
            }
        }
    }
}

/// The caller's `Idempotency-Key`, scoped to the caller, with a fingerprint of the request.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub scope: String,
    pub fingerprint: String,
}

/// One command, as every source hands it to the engine.
#[derive(Debug, Clone)]
pub struct CommandRequest {
    pub program: ProgramId,
    pub number: MunicipalityNumber,
    pub command: Command,
    pub actor: String,
    pub if_match: Option<u64>,
    pub idempotency: Option<Idempotency>,
    /// When the fact happened, if the source knows better than our clock (a case system).
    pub occurred_at: Option<DateTime<Utc>>,
}

/// What `run` needs to know about any request, whatever it asks for.
pub(crate) struct Meta<'a> {
    pub program: &'a ProgramId,
    pub number: &'a MunicipalityNumber,
    pub actor: &'a str,
    pub if_match: Option<u64>,
    pub idempotency: Option<&'a Idempotency>,
    pub occurred_at: Option<DateTime<Utc>>,
}

impl<'a> From<&'a CommandRequest> for Meta<'a> {
    fn from(r: &'a CommandRequest) -> Self {
        Meta {
            program: &r.program,
            number: &r.number,
            actor: &r.actor,
            if_match: r.if_match,
            idempotency: r.idempotency.as_ref(),
            occurred_at: r.occurred_at,
        }
    }
}

/// What the caller gets back.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Freshly committed.
    Done(Box<Enrollment>),
    /// The first answer to this `Idempotency-Key`, again.
    Replayed { status: u16, body: String },
}

mod commit;
mod envelopes;
mod sealing;

pub use envelopes::{EnvelopeRequest, LinkCheck, Located, SignerAct, SignerSpec};

pub struct Engine {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    /// Woken after every commit that wrote outbox entries, so effects go out at once.
    pub outbox_signal: Arc<Notify>,
    /// Keys and document store for sealing certificates; `None` where no envelope is handled.
    pub signing: Option<SigningPorts>,
    locks: Vec<tokio::sync::Mutex<()>>,
}

#[derive(Clone)]
pub struct SigningPorts {
    pub keys: Arc<dyn KeySource>,
    pub documents: Arc<dyn Documents>,
}

impl Engine {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let locks = (0..LOCK_STRIPES).map(|_| tokio::sync::Mutex::new(())).collect();
        Engine {
            store,
            clock,
            outbox_signal: Arc::new(Notify::new()),
            signing: None,
            locks,
        }
    }

    pub fn with_signing(mut self, signing: SigningPorts) -> Self {
        self.signing = Some(signing);
        self
    }

    /// The in-process lock for one enrollment: concurrent commands on it wait their turn
    /// instead of all losing the optimistic race but one.
    fn lock_for(&self, program: &ProgramId, number: &MunicipalityNumber) -> &tokio::sync::Mutex<()> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (program, number).hash(&mut hasher);
        &self.locks[(hasher.finish() as usize) % LOCK_STRIPES]
    }

    /// The engine's time, to the millisecond (what events record and hashes cover).
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now().trunc_subsecs(3)
    }

    pub async fn execute(&self, req: CommandRequest) -> Result<Answer, ServiceError> {
        let command = req.command.clone();
        let decide = move |program: &Program, current: &Enrollment, _: Option<&Envelope>, now| {
            domain::decide(program, current, &command, now).map_err(ServiceError::from)
        };
        self.run(&Meta::from(&req), false, decide)
            .await
            .map(|(answer, _)| answer)
    }

    /// The loop every command goes through: load, decide, chain, commit; re-decide after a
    /// lost race. `decide` sees the enrollment's current envelope when `with_envelope`.
    pub(crate) async fn run<F>(
        &self,
        req: &Meta<'_>,
        with_envelope: bool,
        decide: F,
    ) -> Result<(Answer, Option<Envelope>), ServiceError>
    where
        F: Fn(&Program, &Enrollment, Option<&Envelope>, DateTime<Utc>) -> Result<Decided, ServiceError>,
    {
        if let Some(answer) = self.replay(req.idempotency).await? {
            return Ok((answer, None));
        }
        let program = self
            .store
            .program(req.program)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("program {}", req.program)))?;
        let _turn = self.lock_for(req.program, req.number).lock().await;
        for attempt in 0..MAX_ATTEMPTS {
            if attempt > 0 {
                backoff(attempt).await;
            }
            let current = self.load(req.program, req.number).await?;
            if let Some(given) = req.if_match.filter(|v| *v != current.version) {
                let mismatch = ServiceError::VersionMismatch {
                    given,
                    current: current.version,
                };
                return self.refuse(req, mismatch).await.map(|a| (a, None));
            }
            let envelope = match current.envelope_id.as_deref().filter(|_| with_envelope) {
                Some(id) => self.store.envelope(id).await?,
                None => None,
            };
            let now = self.now();
            let decided = match decide(&program, &current, envelope.as_ref(), now) {
                Ok(d) => d,
                Err(e @ ServiceError::Domain(_)) => return self.refuse(req, e).await.map(|a| (a, None)),
                Err(e) => return Err(e),
            };
            let mut commit = build_commit(
                current.version,
                decided,
                req.actor,
                req.occurred_at.unwrap_or(now),
                now,
                req.idempotency,
                200,
            );
            self.seal_if_completed(&program, &mut commit, now).await?;
            let enrollment = commit.enrollment.clone();
            let envelope = commit.envelope.clone();
            match self.store.commit(commit).await {
                Ok(()) => {
                    self.outbox_signal.notify_one();
                    return Ok((Answer::Done(Box::new(enrollment)), envelope));
                }
                Err(StoreError::Conflict(_)) => {
                    if let Some(answer) = self.replay(req.idempotency).await? {
                        return Ok((answer, None));
                    }
                    // Someone else committed first: decide again against what they wrote.
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(ServiceError::Busy)
    }

    /// Enrolls a municipality: version 1 in `option_held`, one `enrollment.created` event.
    pub async fn enroll(
        &self,
        program: &ProgramId,
        new: NewEnrollment,
        actor: &str,
        idempotency: Option<Idempotency>,
    ) -> Result<Answer, ServiceError> {
        if let Some(answer) = self.replay(idempotency.as_ref()).await? {
            return Ok(answer);
        }
        let program = self
            .store
            .program(program)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("program {program}")))?;
        let now = self.now();
        let number = new.number.clone();
        let decided = domain::enroll(&program, new, now);
        let commit = build_commit(0, decided, actor, now, now, idempotency.as_ref(), 201);
        let enrollment = commit.enrollment.clone();
        match self.store.commit(commit).await {
            Ok(()) => Ok(Answer::Done(Box::new(enrollment))),
            Err(StoreError::Conflict(_)) => match self.replay(idempotency.as_ref()).await? {
                Some(answer) => Ok(answer),
                None => Err(ServiceError::AlreadyExists(format!(
                    "municipality {number} is already enrolled in program {}",
                    program.id
                ))),
            },
            Err(e) => Err(e.into()),
        }
    }

    pub async fn load(&self, program: &ProgramId, number: &MunicipalityNumber) -> Result<Enrollment, ServiceError> {
        self.store
            .enrollment(program, number)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("municipality {number} in program {program}")))
    }

    async fn replay(&self, idempotency: Option<&Idempotency>) -> Result<Option<Answer>, ServiceError> {
        let Some(idem) = idempotency else {
            return Ok(None);
        };
        match self.store.idempotency(&idem.scope).await? {
            None => Ok(None),
            Some(rec) if rec.fingerprint == idem.fingerprint => Ok(Some(Answer::Replayed {
                status: rec.status,
                body: rec.body,
            })),
            Some(_) => Err(ServiceError::IdempotencyKeyReused),
        }
    }

    /// A refused command changes nothing, but its answer is kept for its `Idempotency-Key`
    /// so that a retry hears the same thing, as the contract promises.
    async fn refuse(&self, req: &Meta<'_>, err: ServiceError) -> Result<Answer, ServiceError> {
        if let Some(idem) = req.idempotency {
            let problem = err.problem();
            let record = IdempotencyRecord {
                scope: idem.scope.clone(),
                fingerprint: idem.fingerprint.clone(),
                status: problem.status,
                body: problem.to_json(),
                created_at: self.now(),
            };
            self.store.put_idempotency(&record).await?;
            // Another request with this key may have won the race to record first.
            if let Some(answer) = self.replay(Some(idem)).await? {
                return Ok(answer);
            }
        }
        Err(err)
    }
}
