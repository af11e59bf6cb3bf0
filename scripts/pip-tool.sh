#!/usr/bin/env bash
# Installs a Python tool the suite runs, at the versions pinned in
# infra/<tool>/requirements.txt (every package it pulls in pinned too), into
# a virtualenv in the tools cache, once; later runs reuse it. Prints the path
# of its executable:
#
#   scripts/pip-tool.sh schemathesis st
#   scripts/pip-tool.sh check-jsonschema check-jsonschema
#
# scripts/schemathesis.sh and scripts/check-jsonschema.sh call it.
# Overrides: CQRS_TOOLS_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/cqrs-platform/tools).
# Exit status: 0 installed or reused, 1 failed, 2 usage error.
set -euo pipefail

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

case ${1:-} in
  -h | --help)
    usage
    exit 0
    ;;
esac
if (($# != 2)); then
  usage >&2
  exit 2
fi
TOOL=$1
EXECUTABLE=$2

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REQUIREMENTS=$ROOT/infra/$TOOL/requirements.txt
# Outside the checkout, like the schema registry, so fresh clones on a warm
# machine (CI) reuse the install.
TOOLS_DIR=${CQRS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cqrs-platform/tools}
VENV=$TOOLS_DIR/$TOOL
BIN=$VENV/bin/$EXECUTABLE
# The venv is reused only if it was built from these exact requirements.
STAMP=$VENV/.requirements.sha256

log() { printf '[%s] %s\n' "$TOOL" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "$TOOL" "$*" >&2
  exit 1
}

as_root() {
  if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}

[[ -r $REQUIREMENTS ]] || die "no pinned requirements at $REQUIREMENTS"
wanted=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
if [[ -x $BIN && -r $STAMP && $(<"$STAMP") == "$wanted" ]]; then
  printf '%s\n' "$BIN"
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

log "installing $(grep -m1 "^$TOOL==" "$REQUIREMENTS") into $VENV (once)"
rm -rf "$VENV"
mkdir -p "$TOOLS_DIR"
python3 -m venv "$VENV" || die "python3 -m venv $VENV failed"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --require-virtualenv \
  --no-deps -r "$REQUIREMENTS" >&2 || die "pip install -r $REQUIREMENTS failed"
"$BIN" --version >/dev/null || die "$BIN does not run"
printf '%s\n' "$wanted" >"$STAMP"
printf '%s\n' "$BIN"
