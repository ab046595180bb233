//! Replays every committed input of every target: the seed corpus and each crash fuzzing once
//! found (`fuzz/regressions/<target>/`), through the same functions libFuzzer drives, on stable
//! and without libFuzzer. A kept crash that fails here is a regression.

use std::path::Path;

#[test]
fn every_corpus_and_regression_input_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut replayed = 0;
    for (target, check) in vedtak_fuzz::TARGETS {
        for kind in ["corpus", "regressions"] {
            let dir = root.join(kind).join(target);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                    continue; // .gitkeep and the like
                }
                let input = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| check(&input));
                assert!(outcome.is_ok(), "{} fails: replay it with cargo test", path.display());
                replayed += 1;
            }
        }
    }
    assert!(
        replayed >= vedtak_fuzz::TARGETS.len(),
        "no corpus found under {}",
        root.display()
    );
}
