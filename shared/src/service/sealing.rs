//! Sealing the certificate in the command that completes an envelope, before its commit: the
//! certificate then names the chain head of that very command, and a certificate can never be
//! missing for a completed envelope. If the commit loses a race, the stored certificate is an
//! orphan that nothing names, which content addressing makes harmless.

use super::{Engine, ServiceError};
use crate::domain::{EnvelopeStatus, Program};
use crate::ports::Commit;
use crate::signing::certificate;
use chrono::{DateTime, Utc};

impl Engine {
    pub(super) async fn seal_if_completed(
        &self,
        program: &Program,
        commit: &mut Commit,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        let Some(envelope) = commit.envelope.as_mut() else {
            return Ok(());
        };
        if envelope.status != EnvelopeStatus::Completed || envelope.certificate_sha256.is_some() {
            return Ok(());
        }
        let signing = self
            .signing
            .as_ref()
            .ok_or_else(|| ServiceError::Signing("no sealing key is configured".into()))?;
        let keys = signing.keys.keys().await.map_err(|e| {
            tracing::error!(error = %e, "sealing keys unavailable");
            ServiceError::Signing("keys".into())
        })?;
        let unsealed = certificate::build(program, &commit.enrollment, envelope, now);
        let bytes = certificate::seal(&keys.sealing, unsealed);
        let meta = signing
            .documents
            .put(bytes.into(), "application/json")
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "certificate not stored");
                ServiceError::Signing("documents".into())
            })?;
        envelope.certificate_sha256 = Some(meta.sha256);
        Ok(())
    }
}
