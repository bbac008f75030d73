#!/usr/bin/env bash
# `npm run test:fresh`: what a user's first minutes look like. Clones this
# repository's committed HEAD into a temporary folder, points Mesa's shader
# cache and npm's cache at new empty folders (so lavapipe compiles every
# pipeline and npm downloads every package, as on a fresh machine), and runs the README's two commands there, printing each
# one's wall time and exit status. Not part of `npm test`: it takes minutes.
#
#   --keep         leave the clone (and its shader cache) for a look afterwards
#   --clone-only   stop after the clone and the empty cache: checks the script
#                  itself without the long runs
set -euo pipefail

keep=false
clone_only=false
for arg in "$@"; do
  case $arg in
    --keep) keep=true ;;
    --clone-only) clone_only=true ;;
    -h | --help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "test-fresh: unknown option '$arg' (known: --keep, --clone-only)" >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sha=$(git -C "$repo" rev-parse HEAD)
if [[ -n $(git -C "$repo" status --porcelain --untracked-files=no) ]]; then
  echo "test-fresh: note: uncommitted changes in $repo are not in the clone (it is HEAD, ${sha:0:12})" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/txc-fresh.XXXXXX")
cleanup() {
  if $keep; then echo "test-fresh: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# HEAD by its commit, whether or not a branch points at it (a worktree's
# detached HEAD included).
git clone --quiet --no-checkout "$repo" "$tmp/txc"
git -C "$tmp/txc" fetch --quiet "$repo" "$sha"
git -C "$tmp/txc" checkout --quiet --detach "$sha"
mkdir "$tmp/shader-cache" "$tmp/npm-cache"
export MESA_SHADER_CACHE_DIR=$tmp/shader-cache
# An empty npm cache too: the packages come from the registry, as on a new machine.
export npm_config_cache=$tmp/npm-cache
echo "test-fresh: cloned ${sha:0:12} into $tmp/txc; shader cache $MESA_SHADER_CACHE_DIR and npm cache $npm_config_cache (empty)" >&2
if $clone_only; then
  echo "test-fresh: --clone-only: would run 'npm run quickstart' and 'npm test' in $tmp/txc" >&2
  exit 0
fi

results=()
status=0
for cmd in "npm run quickstart" "npm test"; do
  echo "test-fresh: \$ $cmd" >&2
  start=$(date +%s%N)
  rc=0
  (cd "$tmp/txc" && $cmd) || rc=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  results+=("$(printf '%-20s %6d.%d s   exit %d' "$cmd" $((ms / 1000)) $((ms % 1000 / 100)) "$rc")")
  ((rc == 0)) || status=1
done

echo
echo "test-fresh: a clean clone of ${sha:0:12}, empty shader cache:"
printf '  %s\n' "${results[@]}"
exit $status
