#!/usr/bin/env bash
# The web console's build steps (console/: TypeScript, React, Vite, npm).
#   scripts/console.sh deps     npm ci when console/node_modules is missing or
#                               older than package-lock.json, and Debian's
#                               chromium for the browser tests when missing
#   scripts/console.sh build    deps, then the production build into console/dist
#   scripts/console.sh check    deps, then the type check and the lint (no warnings)
#   scripts/console.sh --help   this text
# Browser downloads are off (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1): the tests
# drive /usr/bin/chromium. The tests themselves run from cargo test
# (tests/tests/console.rs), which starts the platform they need.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONSOLE=$ROOT/console
CHROMIUM=/usr/bin/chromium
MIN_NODE_MAJOR=20
MIN_NODE_MINOR=19

log() { printf '[console] %s\n' "$*" >&2; }
die() {
  printf '[console] ERROR: %s\n' "$*" >&2
  exit 1
}
usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
as_root() {
  if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}

require_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    die "node and npm are needed (Node.js ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR} or later)"
  fi
  local version major minor
  version=$(node --version)
  version=${version#v}
  major=${version%%.*}
  minor=${version#*.}
  minor=${minor%%.*}
  if ((major < MIN_NODE_MAJOR || (major == MIN_NODE_MAJOR && minor < MIN_NODE_MINOR))); then
    die "Node.js $version is too old: Vite needs ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR} or later"
  fi
}

npm_deps() {
  require_node
  local stamp=$CONSOLE/node_modules/.package-lock.json
  if [[ -f $stamp && ! $CONSOLE/package-lock.json -nt $stamp ]]; then
    return 0
  fi
  log "npm ci (console/node_modules)"
  (cd "$CONSOLE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
}

chromium_deps() {
  [[ -x $CHROMIUM ]] && return 0
  log "installing Debian's chromium for the browser tests"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [[ -x $CHROMIUM ]] || die "apt-get installed chromium, but $CHROMIUM is missing"
}

build() {
  npm_deps
  log "npm run build (console/dist)"
  (cd "$CONSOLE" && npm run --silent build)
}

check() {
  npm_deps
  log "tsc --noEmit and eslint (console/)"
  (cd "$CONSOLE" && npm run --silent check)
}

case ${1:-} in
  deps)
    npm_deps
    chromium_deps
    ;;
  build) build ;;
  check) check ;;
  -h | --help | help) usage ;;
  "")
    usage >&2
    exit 2
    ;;
  *)
    printf 'console.sh: unknown command %s\n' "$1" >&2
    usage >&2
    exit 2
    ;;
esac
