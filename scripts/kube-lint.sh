#!/usr/bin/env bash
# Lints the synthesized manifests with both manifest linters the kit builds, each with its
# default checks; both must report zero findings. The only waivers are the ones our constructs
# write, each documented in docs/policy.md.
#
#   scripts/kube-lint.sh                 lint dist/*/*.yaml and examples/*/dist/*/*.yaml
#   scripts/kube-lint.sh FILE...         lint these files
#
# The linters come from the kit cache (kit/build.sh builds them when missing, idempotent):
#   kube-linter (`kube-linter lint`, from the vendored v0.8.3 sources)
#   kube-score  (`kube-score score`, warnings fail; apiVersions checked against LINT_KUBERNETES_VERSION)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# kube-score checks apiVersions against this release (cdk8s-plus-28 targets Kubernetes 1.28).
KUBERNETES_VERSION="${LINT_KUBERNETES_VERSION:-v1.28}"

log() { echo "kube-lint: $*" >&2; }

if [ $# -gt 0 ]; then
  FILES=("$@")
else
  shopt -s nullglob
  FILES=("$ROOT"/dist/*/*.yaml "$ROOT"/examples/*/dist/*/*.yaml)
  shopt -u nullglob
fi
[ ${#FILES[@]} -gt 0 ] || { log "no manifests to lint (run npm run synth first)"; exit 1; }

BIN="$(bash "$ROOT/kit/build.sh" --bin-dir)"
if [ ! -x "$BIN/kube-linter" ] || [ ! -x "$BIN/kube-score" ]; then
  log "building the linters with kit/build.sh"
  bash "$ROOT/kit/build.sh" kube-linter kube-score >&2
fi

status=0

# kube-linter: default checks; it prints findings and a summary line, and exits 1 on any finding.
log "$("$BIN/kube-linter" version 2>/dev/null | head -n 1 | sed 's/^/kube-linter /') ($BIN/kube-linter), default checks, ${#FILES[@]} files"
if ! "$BIN/kube-linter" lint "${FILES[@]}"; then status=1; fi

# kube-score: print findings only (passed checks and documented waivers are noise).
log "$("$BIN/kube-score" version | head -n 1) ($BIN/kube-score), default checks, ${#FILES[@]} files"
ks=0
out="$("$BIN/kube-score" score --output-format ci --exit-one-on-warning --kubernetes-version "$KUBERNETES_VERSION" "${FILES[@]}")" || ks=$?
findings="$(grep -v -e '^\[OK\]' -e '^\[SKIPPED\]' <<<"$out" || true)"
if [ -n "$findings" ]; then echo "$findings"; fi
count="$(grep -c -e '^\[WARNING\]' -e '^\[CRITICAL\]' <<<"$out" || true)"
waivers="$(cat "${FILES[@]}" | grep -c 'kube-score/ignore:' || true)"
log "kube-score: $count findings; $waivers objects carry kube-score/ignore waivers (reasons in docs/policy.md)"
if [ "$ks" -ne 0 ]; then
  [ "$count" -eq 0 ] && echo "$out" >&2
  status=1
fi
exit "$status"
