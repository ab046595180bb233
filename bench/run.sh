#!/usr/bin/env bash
# The benchmark suite, in one command (from anywhere in the repository):
#
#   bench/run.sh
#
# Builds the release binaries, runs the criterion benches (crypto and one command in-process),
# `openssl speed` for SHA-256 on the same machine in the same run, the HTTP throughput of a real
# `vedtak serve` at concurrency 1 and 32, the AWS request count of one municipality's lifecycle on
# DynamoDB Local and moto, and `bench/coldstart.sh` when it is there; then merges every figure
# into bench/results.json and bench/RESULTS.md. Everything listens on 127.0.0.1 only.
# About ten minutes on two CPUs once the build is done. docs/benchmarks.md explains the figures.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
release="$CARGO_TARGET_DIR/release"
results=bench/results
mkdir -p "$results"
step() { printf '\n== %s\n' "$*" >&2; }

# The emulators, as the end-to-end tests find them.
if [ -z "${VEDTAK_DYNAMODB_LOCAL_DIR:-}" ] || [ -z "${VEDTAK_MOTO_SERVER:-}" ]; then
  eval "$(infra/install-tools.sh)"
fi

step "build (release)"
cargo build --release -p vedtak-cli -p vedtak-bench

step "criterion: crypto and one command in-process"
# Short warm-up and measurement: enough for stable means on these microsecond-to-millisecond
# figures, and the whole suite stays within minutes. Only the two criterion targets: the
# library's own unit tests do not take criterion's arguments.
cargo bench -p vedtak-bench --bench crypto --bench engine -- --warm-up-time 1 --measurement-time 3 --noplot

step "openssl speed -evp sha256 (the limit for document hashing)"
# 10 MiB blocks, like the benchmarked document; 16 KiB, openssl's usual largest column.
openssl speed -evp sha256 -seconds 3 -bytes 10485760 2>/dev/null | tee "$results/openssl-10mib.txt"
openssl speed -evp sha256 -seconds 3 -bytes 16384 2>/dev/null | tee "$results/openssl-16k.txt"

step "throughput over HTTP: vedtak serve on the embedded store"
"$release/throughput" --vedtak "$release/vedtak" --out "$results/engine.json"

step "AWS requests per municipality lifecycle (DynamoDB Local, moto)"
"$release/aws-requests" --out "$results/aws-requests.json"

if [ -x bench/coldstart.sh ]; then
  step "cold start (bench/coldstart.sh)"
  bench/coldstart.sh
fi

step "results"
"$release/report" --results "$results" --criterion "$CARGO_TARGET_DIR" --out bench
echo "wrote bench/RESULTS.md and bench/results.json" >&2
