//! The committed seed corpus is what `vedtak_fuzz::seeds` generates; with
//! `VEDTAK_WRITE_SEEDS=1` this test writes it instead.

use std::path::Path;

#[test]
fn committed_seeds_are_the_generated_ones() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let write = std::env::var_os("VEDTAK_WRITE_SEEDS").is_some();
    for (target, name, bytes) in vedtak_fuzz::seeds::all() {
        let path = corpus.join(target).join(&name);
        if write {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        } else {
            let committed = std::fs::read(&path).unwrap_or_default();
            assert!(
                committed == bytes,
                "{} is stale: VEDTAK_WRITE_SEEDS=1 cargo test --test seeds",
                path.display()
            );
        }
    }
}
