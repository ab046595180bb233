//! Document grants: per program, written once, read by (document, program).

use super::fixtures::*;
use super::ok;
use crate::domain::Sha256Hex;
use crate::ports::{DocumentGrant, Store};
use chrono::Duration;

pub async fn document_grants_per_program(store: &dyn Store) {
    let sha = Sha256Hex::parse(&"ab".repeat(32)).expect("a SHA-256");
    let other = Sha256Hex::parse(&"cd".repeat(32)).expect("a SHA-256");
    let grant = DocumentGrant {
        sha256: sha.clone(),
        program: pid("ct-grants"),
        granted_at: t0(),
    };
    let read = |program: &'static str, sha: Sha256Hex| async move {
        ok(store.document_grant(&sha, &pid(program)).await, "document_grant")
    };
    assert_eq!(read("ct-grants", sha.clone()).await, None, "no grant before one is put");
    ok(store.put_document_grant(&grant).await, "put_document_grant");
    assert_eq!(
        read("ct-grants", sha.clone()).await,
        Some(grant.clone()),
        "a grant reads back"
    );
    let later = DocumentGrant {
        granted_at: t0() + Duration::days(1),
        ..grant.clone()
    };
    ok(store.put_document_grant(&later).await, "put_document_grant again");
    assert_eq!(
        read("ct-grants", sha.clone()).await,
        Some(grant),
        "the first grant stays"
    );
    assert_eq!(read("ct-grants-other", sha).await, None, "another program has no grant");
    assert_eq!(read("ct-grants", other).await, None, "another document has no grant");
}
