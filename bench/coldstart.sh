#!/usr/bin/env bash
# Cold start of every Lambda function, next to a Node.js handler with an AWS SDK v3 DynamoDB
# client, in one run: writes bench/results/coldstart.json and bench/results/coldstart.md.
#   VEDTAK_COLDSTART_SPAWNS  spawns per function (default 25, at least 20 for the report)
#   VEDTAK_COLDSTART_ARM64   0: do not build the arm64 packages when missing (no zipped sizes)
# Times are of host (x86_64) release builds; sizes are of the arm64 packages Lambda runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
spawns="${VEDTAK_COLDSTART_SPAWNS:-25}"
functions=(vedtak-api vedtak-stream vedtak-scheduler)
log() { printf '%s\n' "$*" >&2; }

log "building the functions and the measuring tool (release)"
cargo build --release --quiet -p vedtak-api -p vedtak-stream -p vedtak-scheduler -p vedtak-coldstart

if [ ! -d bench/node/node_modules/@aws-sdk/client-dynamodb ]; then
  log "installing the Node.js handler's dependencies (npm ci)"
  (cd bench/node && npm ci --no-audit --no-fund --silent)
fi

missing=0
for f in "${functions[@]}"; do [ -f "$CARGO_TARGET_DIR/lambda/$f/bootstrap" ] || missing=1; done
if [ "$missing" = 1 ] && [ "${VEDTAK_COLDSTART_ARM64:-1}" != 0 ]; then
  log "building the arm64 packages (infra/build-lambdas.sh, several minutes)"
  infra/build-lambdas.sh >&2
fi

# Zipped as Lambda receives them, with the same deflate as infra/build-lambdas.sh.
zipped_size() {
  python3 - "$@" <<'PY'
import io, os, sys, zipfile
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
    for path, name in zip(sys.argv[1::2], sys.argv[2::2]):
        if os.path.isdir(path):
            for dirpath, _, files in os.walk(path):
                for f in files:
                    full = os.path.join(dirpath, f)
                    z.write(full, os.path.join(name, os.path.relpath(full, path)))
        else:
            z.write(path, name)
print(len(buffer.getvalue()))
PY
}

sizes=()
for f in "${functions[@]}"; do
  bootstrap="$CARGO_TARGET_DIR/lambda/$f/bootstrap"
  if [ -f "$bootstrap" ]; then
    sizes+=(--zipped "$f=$(zipped_size "$bootstrap" bootstrap)")
  else
    log "no $bootstrap: its zipped size is not measured"
  fi
done
# The Node.js package: the handler and its node_modules (bootstrap.mjs stands in for Lambda's runtime).
sizes+=(--zipped "node=$(zipped_size bench/node/index.mjs index.mjs bench/node/package.json package.json bench/node/node_modules node_modules)")

log "measuring: $spawns spawns per function"
"$CARGO_TARGET_DIR/release/vedtak-coldstart" --spawns "$spawns" --bin-dir "$CARGO_TARGET_DIR/release" \
  --node-dir bench/node --out bench/results "${sizes[@]}"
