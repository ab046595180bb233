use super::*;
use crate::adapters::contract;

fn docs() -> (tempfile::TempDir, FileDocuments) {
    let dir = tempfile::tempdir().unwrap();
    let docs = FileDocuments::open(&dir.path().join("documents")).unwrap();
    (dir, docs)
}

#[tokio::test]
async fn passes_the_documents_contract() {
    let (_dir, docs) = docs();
    contract::documents_contract(&docs).await;
}

#[tokio::test]
async fn new_creates_the_directory_on_first_put() {
    let dir = tempfile::tempdir().unwrap();
    let docs = FileDocuments::new(dir.path().join("later/documents"));
    assert_eq!(
        docs.meta(&Sha256Hex::of(b"x")).await.unwrap(),
        None,
        "a missing directory holds nothing"
    );
    contract::documents_contract(&docs).await;
}

#[tokio::test]
async fn lays_out_bytes_and_meta_by_hash() {
    let (_dir, docs) = docs();
    let meta = docs.put(Bytes::from_static(b"layout"), "text/plain").await.unwrap();
    let sha = meta.sha256.as_str();
    let shard = docs.dir.join(&sha[..2]);
    assert_eq!(fs::read(shard.join(sha)).unwrap(), b"layout");
    let stored: DocumentMeta = serde_json::from_slice(&fs::read(shard.join(format!("{sha}.json"))).unwrap()).unwrap();
    assert_eq!(stored, meta);
    let names: Vec<_> = fs::read_dir(&shard).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "no temp files are left behind: {names:?}");
}

#[tokio::test]
async fn tampered_bytes_are_corrupt() {
    let (_dir, docs) = docs();
    let meta = docs
        .put(Bytes::from_static(b"the signed agreement"), "application/pdf")
        .await
        .unwrap();
    let path = docs.shard(&meta.sha256).join(meta.sha256.as_str());
    fs::write(&path, b"the signed agreemenT").unwrap();
    match docs.get(&meta.sha256).await {
        Err(DocumentError::Corrupt(sha)) => assert_eq!(sha, meta.sha256.as_str()),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    fs::remove_file(&path).unwrap();
    assert!(
        matches!(docs.get(&meta.sha256).await, Err(DocumentError::Corrupt(_))),
        "missing bytes are corrupt too"
    );
}

#[tokio::test]
async fn putting_again_repairs_missing_bytes() {
    let (_dir, docs) = docs();
    let bytes = Bytes::from_static(b"repair me");
    let meta = docs.put(bytes.clone(), "text/plain").await.unwrap();
    fs::remove_file(docs.shard(&meta.sha256).join(meta.sha256.as_str())).unwrap();
    assert_eq!(docs.put(bytes.clone(), "text/html").await.unwrap(), meta);
    assert_eq!(docs.get(&meta.sha256).await.unwrap(), Some((meta, bytes)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_puts_of_the_same_bytes_agree_on_one_meta() {
    let (_dir, docs) = docs();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let docs = docs.clone();
            tokio::spawn(async move {
                docs.put(Bytes::from_static(b"raced"), &format!("type/{i}"))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut metas = Vec::new();
    for t in tasks {
        metas.push(t.await.unwrap());
    }
    let stored = docs.meta(&metas[0].sha256).await.unwrap().unwrap();
    assert!(
        metas.iter().all(|m| *m == stored),
        "every put answers with the one stored meta: {metas:?}"
    );
}
