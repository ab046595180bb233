//! `MemoryDocuments`: the `Documents` port in a map, for unit tests.

use crate::domain::Sha256Hex;
use crate::ports::{DocumentError, DocumentMeta, Documents};
use async_trait::async_trait;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

type Map = HashMap<Sha256Hex, (DocumentMeta, Bytes)>;

/// `Documents` in a map, keyed by SHA-256 like the real ones.
#[derive(Default)]
pub struct MemoryDocuments {
    docs: Mutex<Map>,
}

impl MemoryDocuments {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Map>, DocumentError> {
        self.docs
            .lock()
            .map_err(|_| DocumentError::Unavailable("memory documents poisoned".into()))
    }
}

#[async_trait]
impl Documents for MemoryDocuments {
    async fn put(&self, bytes: Bytes, content_type: &str) -> Result<DocumentMeta, DocumentError> {
        let sha256 = Sha256Hex::of(&bytes);
        let meta = DocumentMeta {
            sha256: sha256.clone(),
            size: bytes.len() as u64,
            content_type: content_type.to_owned(),
        };
        // The first put wins: the same bytes are the same document, whatever they are called.
        let mut docs = self.lock()?;
        Ok(docs.entry(sha256).or_insert((meta, bytes)).0.clone())
    }

    async fn get(&self, sha256: &Sha256Hex) -> Result<Option<(DocumentMeta, Bytes)>, DocumentError> {
        Ok(self.lock()?.get(sha256).cloned())
    }

    async fn meta(&self, sha256: &Sha256Hex) -> Result<Option<DocumentMeta>, DocumentError> {
        Ok(self.lock()?.get(sha256).map(|(m, _)| m.clone()))
    }
}
