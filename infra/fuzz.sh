#!/usr/bin/env bash
# Fuzzes what vedtak reads from outside (see docs/threat-model.md, "Hostile input"): builds the
# targets in fuzz/ with cargo-fuzz on stable Rust, replays the committed corpus and every kept
# crash, then runs each target for VEDTAK_FUZZ_SECONDS (default 30) seconds.
#
# No sanitizer: sanitizers need a nightly compiler, and the code fuzzed is safe Rust, whose
# failures are panics that libFuzzer catches without one. The committed corpus only seeds a run;
# what a run adds goes to a scratch directory under fuzz/target, so runs leave the tree clean.
# A crashing input is copied to fuzz/regressions/<target>/, where the replay test keeps
# checking it, and the run fails. Prints the inputs executed per target and in all.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

seconds="${VEDTAK_FUZZ_SECONDS:-30}"
# Instrumented builds in a directory of their own, never mixed with the workspace's.
export CARGO_TARGET_DIR="$root/fuzz/target"
command -v cargo-fuzz >/dev/null || eval "$("$root/infra/install-tools.sh" cargo-fuzz)"

# Inputs larger than the real thing only slow the search: a token or a signature header is
# short, bodies and certificates a few KiB; a history of a few events some more.
max_len() {
  case "$1" in
    signing_token | webhook_signature) echo 512 ;;
    event_chain) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

targets=$(cd fuzz_targets && ls -- *.rs | sed 's/\.rs$//')

printf '%s\n' "-- build"
cargo fuzz build --sanitizer none
bin_dir="$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release"

printf '%s\n' "-- replay of the corpus and kept crashes"
cargo test --locked --quiet --test replay --test seeds

scratch="$CARGO_TARGET_DIR/fuzzing"
failed=()
total=0
for target in $targets; do
  mkdir -p "$scratch/corpus/$target" "$scratch/crashes/$target" "regressions/$target"
  log="$scratch/$target.log"
  printf '%s\n' "-- $target: ${seconds}s"
  # The first directory receives new entries; the committed ones are read only.
  if "$bin_dir/$target" "$scratch/corpus/$target" "corpus/$target" "regressions/$target" \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -rss_limit_mb=1024 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$scratch/crashes/$target/" >"$log" 2>&1; then
    :
  else
    failed+=("$target")
    tail -n 40 "$log"
    for crash in "$scratch/crashes/$target"/*; do
      [ -e "$crash" ] || continue
      cp "$crash" "regressions/$target/"
      printf 'kept %s as fuzz/regressions/%s/%s\n' "$(basename "$crash")" "$target" "$(basename "$crash")"
    done
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  printf '%-18s %12s inputs\n' "$target" "${runs:-?}"
  total=$((total + ${runs:-0}))
done
printf '%-18s %12s inputs in all\n' "fuzzed" "$total"

if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzzing found crashes in: %s (kept under fuzz/regressions/)\n' "${failed[*]}" >&2
  exit 1
fi
