#!/usr/bin/env bash
# THE test command (README): bootstrap, services, checks, then the vitest suite.
#   bash scripts/test.sh
# Steps run in order and stop at the first failure, except vitest, which always runs (when node_modules exists) so
# that its counts are reported (.vitest-report.json, read by .ci/run). Exit 1 if any step failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/pnpm.sh
. scripts/lib/pnpm.sh
export NO_COLOR=1

failed=""
step() {
  local what="$1"
  shift
  if [ -n "$failed" ]; then
    echo "test: skipped: $what (after the failure of: $failed)"
    return 0
  fi
  echo "==> $what"
  if ! "$@" </dev/null; then
    echo "test: FAILED: $what (command: $*)" >&2
    failed="$what"
  fi
}

step "bootstrap" bash scripts/bootstrap.sh
use_installed_pnpm || true # bootstrap may have installed pnpm 12.4.2 where PATH does not look first

# ---- services hook -------------------------------------------------------------------------------------------
# Kafka, RabbitMQ and PostgreSQL for the integration tests (TOOLCHAIN.md "Services on loopback"): installed once,
# started, health-checked; a service that cannot be started fails this step (its name and log are printed). They stay
# running afterwards (`bash scripts/services down` stops them). KAFKA_BROKERS / AMQP_URL / DATABASE_URL set to other
# addresses are used instead (only health-checked).
step "services up" bash scripts/services up
eval "$(bash scripts/services env)" # KAFKA_BROKERS, AMQP_URL, DATABASE_URL for vitest
# --------------------------------------------------------------------------------------------------------------

step "biome check" pnpm exec biome check .
for dir in packages/*/ examples/*/; do
  [ -f "${dir}tsconfig.json" ] || continue
  step "tsc ${dir%/}" pnpm exec tsc --noEmit -p "${dir%/}"
done
step "check-imports tests (node --test --test-reporter=spec scripts/)" node --test scripts/
step "check-imports" node scripts/check-imports.mjs
step "check-packages" node scripts/check-packages.mjs
# deploy/ (Kubernetes manifests, docker-compose.yml, Dockerfile): schemas and linters, no Docker or cluster; the
# checkers are installed once into ~/.cache/humangov/deploy-check (deploy/README.md).
step "check-deploy" node scripts/check-deploy.mjs
step "humangov generate --check" node packages/cli/dist/bin.js generate --check
# Breaking-change gate (packages/cli README "diff"): specs now vs HUMANGOV_DIFF_BASE (default HEAD~1). Skipped only
# when that ref does not exist (first commit, shallow clone); any other problem fails the step.
diff_base="${HUMANGOV_DIFF_BASE:-HEAD~1}"
if git rev-parse --verify --quiet "${diff_base}^{commit}" >/dev/null 2>&1; then
  step "humangov diff --base $diff_base" node packages/cli/dist/bin.js diff --base "$diff_base"
else
  echo "test: skipped: humangov diff --base $diff_base (no such commit here: first commit or shallow clone)"
fi

# Chromium for the docs site test (packages/cli/test/docs.browser.test.ts, which fails under CI=true without it):
# Debian's package, installed once (as root). Runs even after a failure, like vitest, which needs it.
echo "==> chromium"
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null; then
  if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >.chromium-apt.log 2>&1 ||
    { apt-get update -qq >>.chromium-apt.log 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >>.chromium-apt.log 2>&1; }; }; then
    tail -n 5 .chromium-apt.log >&2
    echo "test: FAILED: chromium: 'apt-get install -y chromium' failed (as root?; full log: .chromium-apt.log); the docs site test needs it, or set CHROMIUM_PATH" >&2
    failed="${failed:+$failed, }chromium"
  fi
fi

# vitest runs even after a failure, so that CI always gets its counts. Two tiers: everything else in parallel,
# then the fault tier (*.fault.test.ts: brokers killed, frozen, restarted) one file at a time, since a frozen
# broker would fail the tests sharing it.
rm -f .vitest-report.json .vitest-faults.json
rm -rf pacts # consumer tests add their interactions to the files there: start each run from none
if [ -d node_modules/.bin ]; then
  echo "==> vitest"
  if ! pnpm exec vitest run --reporter=default --reporter=json --outputFile=.vitest-report.json </dev/null; then
    echo "test: FAILED: vitest" >&2
    failed="${failed:+$failed, }vitest"
  fi
  # The pacts the consumer tests above wrote to pacts/ must ask only for what the providers' specs promise.
  step "humangov contracts verify" node packages/cli/dist/bin.js contracts verify --pacts pacts
  echo "==> vitest (fault tier)"
  if ! HUMANGOV_TIER=faults pnpm exec vitest run --reporter=default --reporter=json --outputFile=.vitest-faults.json </dev/null; then
    echo "test: FAILED: vitest (fault tier)" >&2
    failed="${failed:+$failed, }vitest (fault tier)"
  fi
else
  echo "test: FAILED: vitest cannot run: node_modules is missing (bootstrap failed)" >&2
  failed="${failed:+$failed, }vitest"
fi

if [ -n "$failed" ]; then
  echo "test: FAILED: $failed" >&2
  exit 1
fi
echo "test: ok"
