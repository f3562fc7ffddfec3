#!/usr/bin/env bash
# Lints the synthesized manifests (dist/*/*.yaml, or the files given) with a manifest linter
# built from Go modules, with its default checks. Zero findings pass; the only waivers are the
# ones our constructs write, each documented in docs/policy.md.
#
#   scripts/kube-lint.sh                 lint dist/*/*.yaml
#   scripts/kube-lint.sh FILE...         lint these files
#
# The linter, first one found:
#   1. kube-linter (`kube-linter lint`), from ${XDG_CACHE_HOME:-~/.cache}/cdk8s-kit/*/bin or the
#      cache dir below; if absent, this script tries to build it with
#      `GOBIN=<cache> go install golang.stackrox.io/kube-linter/cmd/kube-linter@$KUBE_LINTER_VERSION`.
#   2. kube-score (`kube-score score`, warnings fail), from the kit cache, built by
#      `kit/build.sh kube-score` when missing. The module proxy refuses kube-linter's module
#      host (403), so on this project's machines this is the linter that runs.
# Both builds are idempotent: a second run finds the binary and builds nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KUBE_LINTER_VERSION="${KUBE_LINTER_VERSION:-v0.8.3}"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-kit"
LINTER_BIN="$CACHE_ROOT/kube-linter-$KUBE_LINTER_VERSION/bin"
# kube-score checks apiVersions against this release (cdk8s-plus-28 targets Kubernetes 1.28).
KUBERNETES_VERSION="${LINT_KUBERNETES_VERSION:-v1.28}"
export GOTOOLCHAIN=local

log() { echo "kube-lint: $*" >&2; }

if [ $# -gt 0 ]; then
  FILES=("$@")
else
  shopt -s nullglob
  FILES=("$ROOT"/dist/*/*.yaml)
  shopt -u nullglob
fi
[ ${#FILES[@]} -gt 0 ] || { log "no manifests to lint (run npm run synth first)"; exit 1; }

first_bin() { # name: the first executable cdk8s-kit/*/bin/<name>
  local f
  for f in "$LINTER_BIN/$1" "$CACHE_ROOT"/*/bin/"$1"; do
    [ -x "$f" ] && { echo "$f"; return 0; }
  done
  return 1
}

find_kube_linter() {
  first_bin kube-linter && return 0
  [ "${KUBE_LINT_SKIP_KUBE_LINTER_BUILD:-0}" = 1 ] && return 1
  command -v go >/dev/null 2>&1 || return 1
  log "building kube-linter $KUBE_LINTER_VERSION into $LINTER_BIN"
  mkdir -p "$LINTER_BIN"
  if GOBIN="$LINTER_BIN" go install "golang.stackrox.io/kube-linter/cmd/kube-linter@$KUBE_LINTER_VERSION" >"$LINTER_BIN/.build.log" 2>&1; then
    echo "$LINTER_BIN/kube-linter"
    return 0
  fi
  log "kube-linter cannot be built here: $(tail -n 1 "$LINTER_BIN/.build.log")"
  return 1
}

find_kube_score() {
  first_bin kube-score && return 0
  log "building kube-score with kit/build.sh"
  bash "$ROOT/kit/build.sh" kube-score >&2
  first_bin kube-score
}

if LINTER="$(find_kube_linter)"; then
  log "$("$LINTER" version 2>/dev/null | head -n 1) ($LINTER), default checks, ${#FILES[@]} files"
  "$LINTER" lint "${FILES[@]}"
  exit $?
fi

LINTER="$(find_kube_score)" || { log "no linter available"; exit 1; }
log "$("$LINTER" version | head -n 1) ($LINTER), default checks, ${#FILES[@]} files"
status=0
out="$("$LINTER" score --output-format ci --exit-one-on-warning --kubernetes-version "$KUBERNETES_VERSION" "${FILES[@]}")" || status=$?
# Print findings only: passed checks and checks skipped by a documented waiver are noise.
findings="$(grep -v -e '^\[OK\]' -e '^\[SKIPPED\]' <<<"$out" || true)"
if [ -n "$findings" ]; then echo "$findings"; fi
count="$(grep -c -e '^\[WARNING\]' -e '^\[CRITICAL\]' <<<"$out" || true)"
waivers="$(cat "${FILES[@]}" | grep -c 'kube-score/ignore:' || true)"
log "$count findings; $waivers objects carry kube-score/ignore waivers (reasons in docs/policy.md)"
if [ "$status" -ne 0 ] && [ "$count" -eq 0 ]; then
  echo "$out" >&2
fi
exit "$status"
