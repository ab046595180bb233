//! The contract of the `Documents` port.

use super::ok;
use crate::domain::Sha256Hex;
use crate::ports::Documents;
use bytes::Bytes;

/// The `Documents` contract: content-addressed, first put wins, unknown is `None`.
pub async fn documents_contract(docs: &dyn Documents) {
    let bytes = Bytes::from_static(b"%PDF-1.4\n% vedtak contract test document\n");
    let meta = ok(docs.put(bytes.clone(), "application/pdf").await, "put");
    assert_eq!(
        meta.sha256,
        Sha256Hex::of(&bytes),
        "the key is the SHA-256 of the bytes"
    );
    assert_eq!(meta.size, bytes.len() as u64, "size is the byte count");
    assert_eq!(meta.content_type, "application/pdf", "content type as given");
    let got = ok(docs.get(&meta.sha256).await, "get");
    assert_eq!(
        got,
        Some((meta.clone(), bytes.clone())),
        "get returns the meta and the same bytes"
    );
    assert_eq!(
        ok(docs.meta(&meta.sha256).await, "meta"),
        Some(meta.clone()),
        "meta reads back"
    );

    let again = ok(docs.put(bytes.clone(), "text/plain").await, "put again");
    assert_eq!(
        again, meta,
        "the same bytes are one document; the first content type is kept"
    );
    assert_eq!(
        ok(docs.meta(&meta.sha256).await, "meta"),
        Some(meta.clone()),
        "still the first meta"
    );

    let other = Bytes::from_static("annen fil, æøå\n".as_bytes());
    let other_meta = ok(docs.put(other.clone(), "text/plain; charset=utf-8").await, "put other");
    assert_ne!(other_meta.sha256, meta.sha256, "other bytes, other document");
    let got = ok(docs.get(&other_meta.sha256).await, "get other").map(|(_, b)| b);
    assert_eq!(got, Some(other), "each document keeps its own bytes");

    let empty = ok(docs.put(Bytes::new(), "application/octet-stream").await, "put empty");
    assert_eq!(empty.size, 0, "an empty document is a document");
    let got = ok(docs.get(&empty.sha256).await, "get empty").map(|(_, b)| b);
    assert_eq!(got, Some(Bytes::new()), "an empty document reads back empty");

    let unknown = Sha256Hex::of(b"never stored by the contract suite");
    assert_eq!(
        ok(docs.get(&unknown).await, "get unknown"),
        None,
        "an unknown document is None"
    );
    assert_eq!(
        ok(docs.meta(&unknown).await, "meta unknown"),
        None,
        "an unknown meta is None"
    );
}
