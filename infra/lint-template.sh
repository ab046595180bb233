#!/usr/bin/env bash
# Lints the SAM template with cfn-lint and fails on any finding: errors, warnings and
# informational ones alike. No check is ignored.
#   infra/lint-template.sh [TEMPLATE...]      (default: template.yaml)
# Uses the cfn-lint that infra/install-tools.sh puts into infra/.tools, so every machine lints
# with the same version; falls back to one on PATH, and installs the tools when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x infra/.tools/venv/bin/cfn-lint ]; then
  PATH="$PWD/infra/.tools/venv/bin:$PATH"
elif ! command -v cfn-lint >/dev/null; then
  eval "$(infra/install-tools.sh)"
fi

printf 'cfn-lint %s\n' "$(cfn-lint --version | sed 's/^cfn-lint //')" >&2
# --include-checks I: informational rules (e.g. I3011, explicit deletion policies on stateful
# resources) are off by default; they run here too.
cfn-lint --include-checks I --non-zero-exit-code informational -- "${@:-template.yaml}"
echo "cfn-lint: clean" >&2
