#!/usr/bin/env bash
# THE main job (README): set up, then run the HumanGov demo — six example services, 50 citizens, a payment
# outage that makes sagas compensate, a notification outage replayed from the dead-letter queue — and its
# reconciliation. Exit 0 only if the reconciliation holds.
#   bash scripts/demo.sh                                   # embedded default: memory transport + SQLite, no services
#   bash scripts/demo.sh --transport kafka|rabbitmq [--db postgres]   # real services, one process per service
#   (`pnpm demo` runs this script; `pnpm demo -- --transport kafka` passes the options.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/pnpm.sh
. scripts/lib/pnpm.sh
[ "${1:-}" = -- ] && shift
bash scripts/bootstrap.sh
use_installed_pnpm || true

needs=()
for arg in "$@"; do
  case "$arg" in kafka | rabbitmq | postgres) needs+=("$arg") ;; esac
done
if [ "${#needs[@]}" -gt 0 ]; then
  bash scripts/services up "${needs[@]}"
  eval "$(bash scripts/services env)"
fi

node packages/cli/dist/bin.js generate --check
cd examples/demo
exec node --import tsx src/main.ts "$@"
