//! Which program may read which document, in the embedded store.

use super::tables::*;
use super::EmbeddedStore;
use crate::domain::{ProgramId, Sha256Hex};
use crate::ports::{DocumentGrant, StoreError};

fn grant_key(program: &ProgramId, sha256: &Sha256Hex) -> String {
    format!("{program}/{sha256}")
}

impl EmbeddedStore {
    /// The first grant stays: its time says when the program first had the document.
    pub(super) async fn put_document_grant_(&self, grant: &DocumentGrant) -> Result<(), StoreError> {
        let grant = grant.clone();
        self.write(move |txn| {
            let mut table = txn.open_table(DOCUMENT_GRANTS).db()?;
            let key = grant_key(&grant.program, &grant.sha256);
            if get_json::<DocumentGrant>(&table, &key)?.is_some() {
                return Ok(());
            }
            put_json(&mut table, &key, &grant)
        })
        .await
    }

    pub(super) async fn document_grant_(
        &self,
        sha256: &Sha256Hex,
        program: &ProgramId,
    ) -> Result<Option<DocumentGrant>, StoreError> {
        let key = grant_key(program, sha256);
        self.read(move |txn| get_json(&txn.open_table(DOCUMENT_GRANTS).db()?, &key))
            .await
    }
}
