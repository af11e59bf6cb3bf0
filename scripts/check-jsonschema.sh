#!/usr/bin/env bash
# Installs check-jsonschema (the JSON Schema validator that checks
# docker-compose.kafka.yml against the Compose Specification's schema, which
# it ships as `--builtin-schema vendor.compose-spec`; tests/tests/compose_schema.rs)
# at the version pinned in infra/check-jsonschema/requirements.txt, with every
# package it pulls in pinned too, once (see scripts/pip-tool.sh). Prints the
# path of its executable:
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

exec "$(dirname "${BASH_SOURCE[0]}")/pip-tool.sh" check-jsonschema check-jsonschema
