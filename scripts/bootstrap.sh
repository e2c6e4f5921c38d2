#!/usr/bin/env bash
# Set up a fresh machine that has only Node 20 + npm, idempotently: pnpm 12.4.2, `pnpm install`, build of
# packages/*. Quiet on success; on failure prints the failing step and the tail of its output, exits 1.
#   bash scripts/bootstrap.sh
# CI=true makes `pnpm install` use the frozen lockfile (pnpm does it by itself).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/pnpm.sh
. scripts/lib/pnpm.sh

log="$(mktemp -t humangov-bootstrap.XXXXXX)"
trap 'rm -f "$log"' EXIT

fail() {
  echo "bootstrap: FAILED: $1" >&2
  if [ -s "$log" ]; then
    echo "---- last 60 lines of output ----" >&2
    tail -n 60 "$log" >&2
    echo "---------------------------------" >&2
  fi
  exit 1
}

# step <description> <command...>: run quietly, fail loudly.
step() {
  local what="$1"
  shift
  : >"$log"
  "$@" </dev/null >"$log" 2>&1 || fail "$what (command: $*)"
}

command -v node >/dev/null 2>&1 || fail "node is not on PATH (Node >= 20.19 required)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  fail "Node $(node --version) is too old: >= 20.19 required (package.json engines)"

# pnpm: corepack fails its signature check on these machines, so install with npm.
if ! use_installed_pnpm; then
  command -v npm >/dev/null 2>&1 || fail "npm is not on PATH: cannot install pnpm $HUMANGOV_PNPM_VERSION"
  if ! npm install -g --no-audit --no-fund "pnpm@$HUMANGOV_PNPM_VERSION" </dev/null >"$log" 2>&1; then
    # No write access to the global prefix: install into a user cache instead.
    step "npm install pnpm@$HUMANGOV_PNPM_VERSION into $HUMANGOV_PNPM_PREFIX" \
      npm install -g --no-audit --no-fund --prefix "$HUMANGOV_PNPM_PREFIX" "pnpm@$HUMANGOV_PNPM_VERSION"
  fi
  use_installed_pnpm || fail "pnpm $HUMANGOV_PNPM_VERSION was installed but \`pnpm --version\` says '$(pnpm --version 2>/dev/null || echo none)' (check PATH)"
fi

# npm_config_nodedir: node-gyp (better-sqlite3) would otherwise download Node headers; pnpm ignores nodedir in
# config files. No TTY in CI: never prompt before purging node_modules.
# better-sqlite3 compiles from source (~50 s); a build that fails once on a busy machine is retried once.
if ! env npm_config_nodedir=/usr pnpm install --config.confirm-modules-purge=false </dev/null >"$log" 2>&1; then
  step "pnpm install (second try)" env npm_config_nodedir=/usr pnpm install --config.confirm-modules-purge=false
fi

# pnpm -r runs in topological order: events and resilience before sdk, testing and cli.
step "build of packages/* (pnpm -r --filter './packages/*' run build)" pnpm -r --filter './packages/*' run build

echo "bootstrap: ok (pnpm $(pnpm --version), node $(node --version), packages built)"
