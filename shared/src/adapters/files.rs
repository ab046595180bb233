//! `FileDocuments`: content-addressed documents in a directory, for local mode.
//!
//! A document with SHA-256 `ab12…` lives at `<dir>/ab/ab12…` (the bytes) and
//! `<dir>/ab/ab12….json` (its `DocumentMeta`); the two-character shard keeps directories small.
//! Paths are built only from a `Sha256Hex`, which is 64 lowercase hex digits, so no input can
//! reach outside `dir`. The bytes are written before the meta, so a meta file on disk means its
//! bytes are there too: the meta file is what makes a document exist.

use crate::domain::Sha256Hex;
use crate::ports::{DocumentError, DocumentMeta, Documents};
use async_trait::async_trait;
use bytes::Bytes;
use std::fs::{self, File};
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What to do when the target file already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Publish {
    /// Replace it atomically (rename).
    Replace,
    /// Keep it and report `false` (hard link, which refuses an existing target): the first
    /// writer wins even when two race.
    KeepExisting,
}

/// Writes `bytes` to `dir/name` so that a crash leaves either the old state or the whole new
/// file, never a torn one: a temp file in the same directory, fsync, then rename (or link), then
/// fsync the directory so the new name itself survives a power cut. Returns whether it wrote.
pub(crate) fn write_atomic(dir: &Path, name: &str, bytes: &[u8], publish: Publish) -> io::Result<bool> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let target = dir.join(name);
    let result = (|| {
        // `create`, not `create_new`: a name left by a crashed writer is stale and may be reused.
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        let written = match publish {
            Publish::Replace => fs::rename(&tmp, &target).map(|()| true)?,
            Publish::KeepExisting => match fs::hard_link(&tmp, &target) {
                Ok(()) => true,
                Err(e) if e.kind() == ErrorKind::AlreadyExists => false,
                // A file system without hard links: fall back to rename, which keeps the
                // first writer's file unless two writers race in this very instant.
                Err(_) if !target.exists() => fs::rename(&tmp, &target).map(|()| true)?,
                Err(e) => return Err(e),
            },
        };
        sync_dir(dir)?;
        Ok(written)
    })();
    // After a rename the temp name is gone already; in every other case it must not linger.
    let _ = fs::remove_file(&tmp);
    result
}

/// Makes a directory's entries (new names) durable. Only Unix can open a directory for this.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Documents under one directory.
#[derive(Debug, Clone)]
pub struct FileDocuments {
    dir: PathBuf,
}

impl FileDocuments {
    /// Uses `dir`, which is created by the first `put` (reads of a missing one find nothing).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// Uses `dir`, creating it now, so an unusable directory fails at start-up.
    pub fn open(dir: &Path) -> Result<Self, DocumentError> {
        fs::create_dir_all(dir).map_err(|e| unavailable(dir, e))?;
        Ok(Self::new(dir))
    }

    fn shard(&self, sha: &Sha256Hex) -> PathBuf {
        self.dir.join(&sha.as_str()[..2])
    }

    fn read_meta(&self, sha: &Sha256Hex) -> Result<Option<DocumentMeta>, DocumentError> {
        let path = self.shard(sha).join(format!("{sha}.json"));
        let text = match fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(unavailable(&path, e)),
        };
        let meta = serde_json::from_slice(&text).map_err(|e| unavailable(&path, e))?;
        Ok(Some(meta))
    }

    fn put_blocking(&self, bytes: &[u8], content_type: &str) -> Result<DocumentMeta, DocumentError> {
        let sha = Sha256Hex::of(bytes);
        let shard = self.shard(&sha);
        if !shard.is_dir() {
            fs::create_dir_all(&shard).map_err(|e| unavailable(&shard, e))?;
            sync_dir(&self.dir).map_err(|e| unavailable(&self.dir, e))?;
        }
        let bytes_path = shard.join(sha.as_str());
        if let Some(meta) = self.read_meta(&sha)? {
            // Already here. Rewrite the bytes only if they went missing or were cut short:
            // the upload is the very same content, so this repairs without changing anything.
            let intact = fs::metadata(&bytes_path).is_ok_and(|m| m.len() == meta.size);
            if !intact {
                write_atomic(&shard, sha.as_str(), bytes, Publish::Replace).map_err(|e| unavailable(&bytes_path, e))?;
            }
            return Ok(meta);
        }
        let meta = DocumentMeta {
            sha256: sha.clone(),
            size: bytes.len() as u64,
            content_type: content_type.to_owned(),
        };
        write_atomic(&shard, sha.as_str(), bytes, Publish::Replace).map_err(|e| unavailable(&bytes_path, e))?;
        let json = serde_json::to_vec(&meta).map_err(|e| unavailable(&bytes_path, e))?;
        let meta_name = format!("{sha}.json");
        let written = write_atomic(&shard, &meta_name, &json, Publish::KeepExisting)
            .map_err(|e| unavailable(&shard.join(&meta_name), e))?;
        if written {
            return Ok(meta);
        }
        // Another put of the same bytes got there first: its meta is the document's.
        self.read_meta(&sha)?
            .ok_or_else(|| DocumentError::Unavailable(format!("meta of {sha} vanished")))
    }

    fn get_blocking(&self, sha: &Sha256Hex) -> Result<Option<(DocumentMeta, Bytes)>, DocumentError> {
        let Some(meta) = self.read_meta(sha)? else {
            return Ok(None);
        };
        let path = self.shard(sha).join(sha.as_str());
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            // The meta promises bytes that are gone: that is damage, not an unknown document.
            Err(e) if e.kind() == ErrorKind::NotFound => return Err(DocumentError::Corrupt(sha.to_string())),
            Err(e) => return Err(unavailable(&path, e)),
        };
        // Re-hash on every read: a disk or a hand that changed the bytes must not go unnoticed.
        if bytes.len() as u64 != meta.size || Sha256Hex::of(&bytes) != *sha {
            return Err(DocumentError::Corrupt(sha.to_string()));
        }
        Ok(Some((meta, Bytes::from(bytes))))
    }
}

fn unavailable(path: &Path, e: impl std::fmt::Display) -> DocumentError {
    DocumentError::Unavailable(format!("{}: {e}", path.display()))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, DocumentError> + Send + 'static,
) -> Result<T, DocumentError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| DocumentError::Unavailable(format!("document task failed: {e}")))?
}

#[async_trait]
impl Documents for FileDocuments {
    async fn put(&self, bytes: Bytes, content_type: &str) -> Result<DocumentMeta, DocumentError> {
        let (this, content_type) = (self.clone(), content_type.to_owned());
        blocking(move || this.put_blocking(&bytes, &content_type)).await
    }

    async fn get(&self, sha256: &Sha256Hex) -> Result<Option<(DocumentMeta, Bytes)>, DocumentError> {
        let (this, sha) = (self.clone(), sha256.clone());
        blocking(move || this.get_blocking(&sha)).await
    }

    async fn meta(&self, sha256: &Sha256Hex) -> Result<Option<DocumentMeta>, DocumentError> {
        let (this, sha) = (self.clone(), sha256.clone());
        blocking(move || this.read_meta(&sha)).await
    }
}

#[cfg(test)]
mod tests;
