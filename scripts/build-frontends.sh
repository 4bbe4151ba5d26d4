#!/usr/bin/env bash
# Builds the collector and the dashboard so the service serves them, but only what changed:
# each build is stamped with a hash of its sources, and its dependencies with a hash of the
# lockfile. When nothing changed, no npm command runs at all, so a restart takes a second and
# works without a network. A failed rebuild keeps serving the previous build, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

# The files each front end is built from (relative to the repository root).
sources() {
  case "$1" in
    sdk/js) echo sdk/js/src sdk/js/scripts/build.mjs sdk/js/tsconfig.json sdk/js/tsconfig.build.json ;;
    dashboard) echo dashboard/src dashboard/index.html dashboard/vite.config.ts \
      dashboard/tsconfig.json docs/snippets ;;
  esac
}

# What must exist for the build to count as built.
output() {
  case "$1" in
    sdk/js) echo sdk/js/dist/botsieve.min.js ;;
    dashboard) echo dashboard/dist/index.html ;;
  esac
}

# One hash over the paths and contents of the files under the given paths (absent ones skipped).
hash_of() {
  local present=()
  for path in "$@"; do [ -e "$path" ] && present+=("$path"); done
  find "${present[@]}" -type f -not -path '*/node_modules/*' -print0 | sort -z |
    xargs -0 sha256sum | sha256sum | cut -c1-64
}

build() {
  local suite=$1
  local deps_stamp="$suite/node_modules/.botsieve-lock-hash"
  local build_stamp="$suite/dist/.botsieve-build-hash"
  local deps build
  deps=$(hash_of "$suite/package.json" "$suite/package-lock.json")
  # shellcheck disable=SC2046
  build=$(hash_of $(sources "$suite") "$suite/package.json" "$suite/package-lock.json")
  if [ -f "$(output "$suite")" ] && [ "$(cat "$build_stamp" 2>/dev/null)" = "$build" ]; then
    echo "$suite: up to date"
    return
  fi
  echo "$suite: sources changed, building"
  if [ "$(cat "$deps_stamp" 2>/dev/null)" != "$deps" ]; then
    if ! (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error); then
      fallback "$suite" "npm ci failed (is the npm registry reachable?)"
      return
    fi
    mkdir -p "$suite/node_modules" && echo "$deps" >"$deps_stamp"
  fi
  if ! (cd "$suite" && npm run build >/dev/null); then
    fallback "$suite" "the build failed"
    return
  fi
  mkdir -p "$suite/dist" && echo "$build" >"$build_stamp"
}

fallback() {
  if [ -f "$(output "$1")" ]; then
    echo "$1: $2; serving the previous build" >&2
  else
    echo "$1: $2, and there is no previous build" >&2
    exit 1
  fi
}

for suite in sdk/js dashboard; do
  if [ -f "$suite/package.json" ]; then build "$suite"; fi
done
