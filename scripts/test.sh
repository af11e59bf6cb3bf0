#!/usr/bin/env bash
# Runs the workspace's tests against the local Kafka broker and PostgreSQL
# (started by scripts/infra.sh if needed), with schemathesis installed for the
# contract tests (scripts/schemathesis.sh), after the lint checks
# (scripts/lint.sh: fmt, clippy, shellcheck). Extra arguments go to cargo test:
#   scripts/test.sh -p projector -- --nocapture
#
# `scripts/test.sh --cluster [ARGS]` runs the cluster fault suite instead
# (tests/tests/cluster, ignored by the default run): lint, PostgreSQL from
# scripts/infra.sh, the 3-node cluster of scripts/cluster.sh, the suite one
# test at a time with its figures printed, then the cluster is stopped.
# ARGS go to the test binary (e.g. a test name filter).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [[ ${1:-} == --cluster ]]; then
  shift
  scripts/lint.sh
  scripts/infra.sh up
  eval "$(scripts/infra.sh env)"
  trap 'scripts/cluster.sh down' EXIT
  scripts/cluster.sh up
  eval "$(scripts/cluster.sh env)"
  cargo test -p tests --test cluster -- --ignored --test-threads=1 --nocapture "$@"
  exit
fi

scripts/lint.sh
scripts/infra.sh up
eval "$(scripts/infra.sh env)"
# The contract tests (tests/tests/schemathesis.rs) run this fuzzer.
SCHEMATHESIS=$(scripts/schemathesis.sh)
export SCHEMATHESIS
# The chart and compose checks (tests/tests/helm_chart.rs, compose_schema.rs) run these.
HELM=$(scripts/helm.sh)
CHECK_JSONSCHEMA=$(scripts/check-jsonschema.sh)
export HELM CHECK_JSONSCHEMA
# The browser tests (tests/tests/console.rs) need the console's npm packages,
# Debian's chromium and the build in console/dist.
scripts/console.sh deps
scripts/console.sh build
exec cargo test --workspace "$@"
