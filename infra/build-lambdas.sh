#!/usr/bin/env bash
# Builds every Lambda function for arm64 (provided.al2023) with cargo-lambda, as `sam build`
# does, and reports each function's size zipped. Tools come from infra/install-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-lambda >/dev/null || eval "$(infra/install-tools.sh)"

functions=(vedtak-api vedtak-stream vedtak-scheduler)
args=()
for f in "${functions[@]}"; do args+=(--package "$f"); done
cargo lambda build --release --arm64 "${args[@]}"

for f in "${functions[@]}"; do
  bootstrap="target/lambda/$f/bootstrap"
  [ -f "$bootstrap" ] || { echo "missing $bootstrap" >&2; exit 1; }
  # The ELF header says which machine the binary is for: 0xb7 is AArch64.
  machine=$(od -An -tx1 -j18 -N1 "$bootstrap" | tr -d ' ')
  [ "$machine" = "b7" ] || { echo "$bootstrap is not an arm64 binary" >&2; exit 1; }
  zipped=$(python3 -c "import io,sys,zipfile; b=io.BytesIO(); z=zipfile.ZipFile(b,'w',zipfile.ZIP_DEFLATED); z.write(sys.argv[1],'bootstrap'); z.close(); print(len(b.getvalue()))" "$bootstrap")
  printf '%-18s arm64  %6.1f MiB  zipped %5.1f MiB\n' "$f" "$(echo "$(stat -c %s "$bootstrap") / 1048576" | bc -l)" "$(echo "$zipped / 1048576" | bc -l)"
done
