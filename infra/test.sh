#!/usr/bin/env bash
# The whole test suite, as CI runs it. It installs what it needs (DynamoDB Local, moto, cfn-lint,
# cargo-lambda, cargo-fuzz, the arm64 target) into infra/.tools, then: formatting, lints, the SAM
# template, every test in the workspace (unit, property, storage contract on the embedded store, DynamoDB
# Local and moto, and end-to-end over real HTTP on both backends), a bounded fuzzing run of the
# input parsers and verifiers (VEDTAK_FUZZ_SECONDS per target), and the arm64 Lambda build.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "tools"
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
eval "$(infra/install-tools.sh)"

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "template"
infra/lint-template.sh

step "tests"
cargo test --workspace --locked

step "fuzz"
infra/fuzz.sh

step "Lambda functions (arm64)"
infra/build-lambdas.sh
