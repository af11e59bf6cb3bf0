#!/usr/bin/env bash
# The checks that guard the code, run by scripts/test.sh before the tests
# (and on their own as scripts/lint.sh): formatting, clippy with warnings as
# errors, shellcheck on every script, and the web console's type check and
# ESLint (scripts/console.sh check). Installs shellcheck when missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

log() { printf '[lint] %s\n' "$*" >&2; }
as_root() {
  if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}

if ! command -v shellcheck >/dev/null; then
  log "installing shellcheck"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
fi

log "cargo fmt --all --check"
cargo fmt --all --check
log "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings
log "shellcheck scripts/*.sh .ci/run deploy/docker/probe.sh"
shellcheck scripts/*.sh .ci/run deploy/docker/probe.sh
log "console: tsc --noEmit and eslint (scripts/console.sh check)"
scripts/console.sh check
