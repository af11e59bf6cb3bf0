#!/usr/bin/env bash
# Installs check-jsonschema (the JSON Schema validator that checks
# docker-compose.kafka.yml against the Compose Specification's schema, which
# it ships as `--builtin-schema vendor.compose-spec`; tests/tests/compose_schema.rs)
# at the version pinned in infra/check-jsonschema/requirements.txt, with every
# package it pulls in pinned too, into a virtualenv in the tools cache, once;
# later runs reuse it. Prints the path of its executable:
#
#   CHECK_JSONSCHEMA=$(scripts/check-jsonschema.sh)
#
# Overrides: CQRS_TOOLS_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/cqrs-platform/tools).
set -euo pipefail

usage() {
  sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

case ${1:-} in
  -h | --help)
    usage
    exit 0
    ;;
  "") ;;
  *)
    usage >&2
    exit 2
    ;;
esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REQUIREMENTS=$ROOT/infra/check-jsonschema/requirements.txt
# Outside the checkout, like schemathesis, so fresh clones on a warm machine
# (CI) reuse the install.
TOOLS_DIR=${CQRS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cqrs-platform/tools}
VENV=$TOOLS_DIR/check-jsonschema
BIN=$VENV/bin/check-jsonschema
# The venv is reused only if it was built from these exact requirements.
STAMP=$VENV/.requirements.sha256

log() { printf '[check-jsonschema] %s\n' "$*" >&2; }
die() {
  printf '[check-jsonschema] ERROR: %s\n' "$*" >&2
  exit 1
}

as_root() {
  if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}

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

log "installing $(grep -m1 '^check-jsonschema==' "$REQUIREMENTS") into $VENV (once)"
rm -rf "$VENV"
mkdir -p "$TOOLS_DIR"
python3 -m venv "$VENV" || die "python3 -m venv $VENV failed"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --require-virtualenv \
  --no-deps -r "$REQUIREMENTS" >&2 || die "pip install -r $REQUIREMENTS failed"
"$BIN" --version >/dev/null || die "$BIN does not run"
printf '%s\n' "$wanted" >"$STAMP"
printf '%s\n' "$BIN"
