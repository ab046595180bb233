//! Which program may read which document, in the DynamoDB store: one item in the program's
//! partition per document, written once (a repeat keeps the first) and read with one GetItem.

use super::items::{doc_item, enrollment_pk};
use super::requests::IF_NEW;
use super::DynamoStore;
use crate::domain::{ProgramId, Sha256Hex};
use crate::ports::{DocumentGrant, StoreError};

fn grant_sk(sha256: &Sha256Hex) -> String {
    format!("DOCUMENT#{sha256}")
}

impl DynamoStore {
    pub(super) async fn put_document_grant_(&self, grant: &DocumentGrant) -> Result<(), StoreError> {
        let item = doc_item(enrollment_pk(&grant.program), grant_sk(&grant.sha256), grant)?;
        // Not written because it exists already: the first grant stays, nothing to do.
        self.put_if("put_document_grant", item, IF_NEW).await.map(|_| ())
    }

    pub(super) async fn document_grant_(
        &self,
        sha256: &Sha256Hex,
        program: &ProgramId,
    ) -> Result<Option<DocumentGrant>, StoreError> {
        self.get_doc(enrollment_pk(program), grant_sk(sha256)).await
    }
}
