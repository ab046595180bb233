//! The crypto on the product's paths, in-process: hashing a 10 MiB document the way an upload is
//! hashed, sealing and verifying a signing certificate, and the HMAC of one webhook delivery.
//! `bench/run.sh` compares the hashing figure with `openssl speed` on the same machine.

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use vedtak::adapters::files::FileDocuments;
use vedtak::domain::Sha256Hex;
use vedtak::ports::Documents;
use vedtak::signing::keys::Keys;
use vedtak::signing::{certificate, seal};
use vedtak::webhooks::signature;

const TEN_MIB: usize = 10 * 1024 * 1024;

fn document() -> Vec<u8> {
    // Not all zeros, so nothing downstream could take a shortcut on trivial input.
    (0..TEN_MIB)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// `Sha256Hex::of` is what every `Documents::put` (files and S3) calls on the uploaded bytes.
fn document_hash(c: &mut Criterion) {
    let bytes = document();
    let mut group = c.benchmark_group("document");
    group.throughput(Throughput::Bytes(TEN_MIB as u64));
    group.bench_function("sha256_10mib", |b| {
        b.iter(|| Sha256Hex::of(std::hint::black_box(&bytes)))
    });
    group.finish();
}

/// The whole local upload path: hash, then write bytes and meta with fsync. Every iteration
/// stores new bytes, since storing the same bytes again is a no-op by design.
fn document_put(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let documents = FileDocuments::new(dir.path().join("documents"));
    let mut bytes = document();
    let counter = AtomicU64::new(0);
    let mut group = c.benchmark_group("document");
    group.throughput(Throughput::Bytes(TEN_MIB as u64));
    group.sample_size(10);
    group.bench_function("put_10mib_files", |b| {
        b.iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            bytes[..8].copy_from_slice(&n.to_le_bytes());
            let body = Bytes::copy_from_slice(&bytes);
            runtime
                .block_on(documents.put(body, "application/pdf"))
                .expect("stored")
        })
    });
    group.finish();
}

/// A certificate shaped like the ones the signing flow seals: two signers, one document.
fn unsealed_certificate(document_sha256: &str) -> Value {
    let signer = |name: &str, email: &str, order: u32| {
        json!({"name": name, "email": email, "title": "Kommunedirektør", "order": order,
            "signed_at": "2026-11-23T10:15:00Z", "ip": "127.0.0.1", "user_agent": "Mozilla/5.0",
            "verified_by": "email_code", "code_verified": true})
    };
    json!({
        "format": certificate::FORMAT,
        "envelope_id": "env_0123456789abcdef",
        "title": "Tjenesteavtale Helseplattformen",
        "document_sha256": document_sha256,
        "documents": [{"sha256": document_sha256, "title": "Tjenesteavtale", "size": 81}],
        "program": {"id": "helseplattformen", "name": "Helseplattformen"},
        "counterparty": {"name": "Helseplattformen AS", "org_number": "998877601"},
        "municipality": {"number": "5027", "name": "Midtre Gauldal"},
        "signers": [signer("Direktør Midtre Gauldal", "direktor@5027.kommune.example", 1),
                    signer("Torbjørg Vanvik", "ceo@helseplattformen.example", 2)],
        "sent_at": "2026-11-23T10:00:00Z",
        "completed_at": "2026-11-23T10:20:00Z",
        "chain_head": {"seq": 13, "hash": "ab".repeat(32)},
        "sealed_at": "2026-11-23T10:20:00Z",
    })
}

fn certificates(c: &mut Criterion) {
    let document = b"%PDF-1.7\n% Tjenesteavtale mellom kommunen og Helseplattformen AS\n%%EOF\n";
    let sha = Sha256Hex::of(document);
    let (keys, _) = Keys::generate("bench");
    let published = keys.published();
    let unsealed = unsealed_certificate(sha.as_str());
    let sealed: Value = serde_json::from_slice(&certificate::seal(&keys.sealing, unsealed.clone())).unwrap();
    seal::verify(&sealed, document, &published).expect("the benchmark's certificate verifies");

    let mut group = c.benchmark_group("certificate");
    // What the completing command does: canonical JSON, Ed25519, pretty JSON as stored.
    group.bench_function("seal", |b| {
        b.iter(|| certificate::seal(&keys.sealing, unsealed.clone()))
    });
    // What `vedtak verify` does: document hash, canonical JSON, Ed25519 verification.
    group.bench_function("verify", |b| {
        b.iter(|| seal::verify(&sealed, document, &published).unwrap())
    });
    group.finish();
}

/// One Standard Webhooks signature over a typical `enrollment.state_changed` body.
fn webhook_hmac(c: &mut Criterion) {
    let secret = signature::new_secret();
    let body = serde_json::to_vec(&json!({
        "type": "enrollment.state_changed",
        "timestamp": "2026-11-23T10:20:00Z",
        "data": {"program": "helseplattformen", "municipality": "5027", "name": "Midtre Gauldal",
            "from": "agreement_sent", "to": "agreement_signed", "version": 14,
            "event": {"seq": 14, "type": "agreement.signed", "hash": "ab".repeat(32)}}
    }))
    .unwrap();
    let id = "msg_20261123T102000Z_0123456789abcdef";
    let header = signature::header(&[secret.as_str()], id, 1_795_000_000, &body);
    let mut group = c.benchmark_group("webhook");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign", |b| {
        b.iter(|| signature::sign(&secret, id, 1_795_000_000, &body))
    });
    group.bench_function("verify", |b| {
        b.iter(|| assert!(signature::verify(&secret, &header, id, 1_795_000_000, &body)))
    });
    group.finish();
}

criterion_group!(benches, document_hash, document_put, certificates, webhook_hmac);
criterion_main!(benches);
