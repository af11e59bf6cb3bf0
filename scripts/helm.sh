#!/usr/bin/env bash
# Installs helm (which the chart tests, tests/tests/helm_chart.rs, run to lint
# and render deploy/helm/cqrs-platform) at a pinned version into the tools
# cache, once, by building it with `go install` from the Go module proxy;
# later runs reuse it. Prints the path of the helm binary:
#
#   HELM=$(scripts/helm.sh)
#
# Overrides: CQRS_TOOLS_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/cqrs-platform/tools),
# the same tools cache as scripts/infra.sh (the schema registry) uses.
set -euo pipefail

usage() {
  sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
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

HELM_MODULE=helm.sh/helm/v3
HELM_VERSION=v3.22.0
# What helm's own release build stamps in with -X (its Makefile): the version
# `helm version` reports, and the Kubernetes version of the client-go it
# depends on (v0.37 -> 1.37), which lint and template assume without
# --kube-version. A plain `go install` would leave v3.22 and 1.20.
HELM_K8S_MAJOR=1
HELM_K8S_MINOR=37
HELM_LDFLAGS="-w -s -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in pkg/lint/rules pkg/chartutil; do
  HELM_LDFLAGS+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=$HELM_K8S_MAJOR"
  HELM_LDFLAGS+=" -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$HELM_K8S_MINOR"
done
# Outside the checkout, like the schema registry, so fresh clones on a warm
# machine (CI) reuse the build.
TOOLS_DIR=${CQRS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cqrs-platform/tools}
HELM_BIN=$TOOLS_DIR/bin/helm
# The binary is reused only if it was built from this exact module version.
HELM_STAMP=$TOOLS_DIR/.helm.installed
HELM_LOG=$TOOLS_DIR/helm-install.log

log() { printf '[helm] %s\n' "$*" >&2; }
die() {
  printf '[helm] ERROR: %s\n' "$*" >&2
  exit 1
}

stamp="$HELM_MODULE $HELM_VERSION ldflags $HELM_LDFLAGS"
if [[ -x $HELM_BIN && -r $HELM_STAMP && $(<"$HELM_STAMP") == "$stamp" ]]; then
  printf '%s\n' "$HELM_BIN"
  exit 0
fi

# Where the Go SDK usually lives when it is not on PATH.
[[ -x /usr/local/go/bin/go ]] && PATH=$PATH:/usr/local/go/bin
# Not Debian's golang-go: helm's go.mod needs a newer Go than it packages.
command -v go >/dev/null ||
  die "go is needed to build helm $HELM_VERSION (Go 1.26 or newer, as its go.mod says)"

log "building $HELM_MODULE/cmd/helm@$HELM_VERSION with go install (first run only, a few minutes)"
mkdir -p "$TOOLS_DIR/bin"
rm -f "$HELM_STAMP"
# GOBIN puts the binary straight into the tools cache. `pkg@version` builds
# from the module's own go.mod and go.sum, whatever directory we are in.
GOBIN=$TOOLS_DIR/bin go install -ldflags "$HELM_LDFLAGS" "$HELM_MODULE/cmd/helm@$HELM_VERSION" \
  >"$HELM_LOG" 2>&1 || {
  tail -n 20 "$HELM_LOG" >&2
  die "go install $HELM_MODULE/cmd/helm@$HELM_VERSION failed; see $HELM_LOG"
}
[[ -x $HELM_BIN ]] || die "go install finished but $HELM_BIN is missing"
installed=$("$HELM_BIN" version --short 2>/dev/null) || die "$HELM_BIN does not run"
log "installed helm $installed at $HELM_BIN"
printf '%s\n' "$stamp" >"$HELM_STAMP"
printf '%s\n' "$HELM_BIN"
