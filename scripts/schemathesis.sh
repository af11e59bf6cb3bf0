#!/usr/bin/env bash
# Installs schemathesis (the OpenAPI fuzzer the contract tests run) at the
# version pinned in infra/schemathesis/requirements.txt, once (see
# scripts/pip-tool.sh), and prints the path of its `st` executable:
#
#   SCHEMATHESIS=$(scripts/schemathesis.sh)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/pip-tool.sh" schemathesis st
