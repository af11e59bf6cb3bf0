#!/usr/bin/env bash
# Installs schemathesis (the OpenAPI fuzzer the contract tests run) at the
# version pinned in infra/schemathesis/requirements.txt, with every package
# it pulls in pinned too, into a virtualenv in the tools cache, once; later
# runs reuse it. Prints the path of its `st` executable:
#
#   SCHEMATHESIS=$(scripts/schemathesis.sh)
#
# Overrides: CQRS_TOOLS_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/cqrs-platform/tools).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REQUIREMENTS=$ROOT/infra/schemathesis/requirements.txt
# Outside the checkout, like the schema registry, so fresh clones on a warm
# machine (CI) reuse the install.
TOOLS_DIR=${CQRS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cqrs-platform/tools}
VENV=$TOOLS_DIR/schemathesis
ST=$VENV/bin/st
# The venv is reused only if it was built from these exact requirements.
STAMP=$VENV/.requirements.sha256

log() { printf '[schemathesis] %s\n' "$*" >&2; }
die() {
  printf '[schemathesis] ERROR: %s\n' "$*" >&2
  exit 1
}

as_root() {
  if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}

wanted=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
if [[ -x $ST && -r $STAMP && $(<"$STAMP") == "$wanted" ]]; then
  printf '%s\n' "$ST"
  exit 0
fi

# Debian splits venv (ensurepip) out of python3 itself.
if ! command -v python3 >/dev/null || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  log "installing python3 and python3-venv"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null || die "apt-get update failed"
  as_root apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null ||
    die "apt-get install python3 python3-venv failed"
fi

log "installing $(grep -m1 '^schemathesis==' "$REQUIREMENTS") into $VENV (once)"
rm -rf "$VENV"
mkdir -p "$TOOLS_DIR"
python3 -m venv "$VENV" || die "python3 -m venv $VENV failed"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --require-virtualenv \
  --no-deps -r "$REQUIREMENTS" >&2 || die "pip install -r $REQUIREMENTS failed"
"$ST" --version >/dev/null || die "$ST does not run"
printf '%s\n' "$wanted" >"$STAMP"
printf '%s\n' "$ST"
