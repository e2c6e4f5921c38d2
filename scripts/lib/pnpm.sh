# Sourced by scripts/bootstrap.sh and scripts/test.sh: puts pnpm $HUMANGOV_PNPM_VERSION first on PATH if an
# earlier `npm install -g` (or the fallback prefix below) put it somewhere that is not first on PATH.
HUMANGOV_PNPM_VERSION=12.4.2
HUMANGOV_PNPM_PREFIX="${XDG_CACHE_HOME:-$HOME/.cache}/humangov/pnpm-$HUMANGOV_PNPM_VERSION"

pnpm_version_ok() {
  [ "$(pnpm --version 2>/dev/null)" = "$HUMANGOV_PNPM_VERSION" ]
}

use_installed_pnpm() {
  pnpm_version_ok && return 0
  local dir
  for dir in "$(npm prefix -g 2>/dev/null)/bin" "$HUMANGOV_PNPM_PREFIX/bin"; do
    if [ -x "$dir/pnpm" ] && [ "$("$dir/pnpm" --version 2>/dev/null)" = "$HUMANGOV_PNPM_VERSION" ]; then
      export PATH="$dir:$PATH"
      hash -r
      return 0
    fi
  done
  return 1
}
