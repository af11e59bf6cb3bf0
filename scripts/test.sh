#!/usr/bin/env bash
# Runs the workspace's tests against the local Kafka broker and PostgreSQL
# (started by scripts/infra.sh if needed), with schemathesis installed for the
# contract tests (scripts/schemathesis.sh), after the lint checks
# (scripts/lint.sh: fmt, clippy, shellcheck). Extra arguments go to cargo test:
#   scripts/test.sh -p projector -- --nocapture
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

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
