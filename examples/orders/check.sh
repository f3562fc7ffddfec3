#!/usr/bin/env bash
# The consumer check of a kubestack tarball, from a clean state:
#
#   examples/orders/check.sh <kubestack-*.tgz> [newest|lowest]
#
#  1. npm ci: the project's own dependencies, exactly as package-lock.json pins them.
#  2. npm install --no-save <tarball> <peer@version…>: kubestack from the tarball of this build,
#     and its peers at one end of the ranges its package.json claims (scripts/peer-versions.js):
#     `newest` (default) the newest the registry serves that runs on this Node, `lowest` the
#     lowest. The tarball is not in package.json or the lock file: its integrity changes with
#     every build, and a file: path would point out of the repository. `--no-save` leaves both
#     files untouched (checked below). It must be one command: any later plain `npm install`
#     prunes kubestack as extraneous.
#  3. tsc, strict with skipLibCheck off (kubestack's .d.ts as a user's compiler sees them), with
#     node16 resolution (`exports`) and again with node10 resolution (`typesVersions`).
#  4. cdk8s synth into a temporary folder, compared with the committed dist/.
#  5. node --test: the Pulumi program under mocks, and the package boundary.
#
# ORDERS_PEERS='constructs@10.3.1' replaces the version of a peer, to try another end of a range.
#
# The last line of output is a one-line summary; the exit status is 0 only when every step passed.
set -euo pipefail

usage() {
  echo "usage: $0 <kubestack-*.tgz> [newest|lowest]" >&2
  exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
[ -f "$1" ] || { echo "check.sh: no tarball at '$1'" >&2; usage; }
tarball=$(realpath "$1")
end=${2:-newest}
case "$end" in newest | lowest) ;; *) usage ;; esac

cd "$(dirname "$0")"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

start=$SECONDS
step=setup
timings=()
versions=''
tests=''
work=$(mktemp -d)

finish() {
  local status=$?
  rm -rf "$work"
  local total=$((SECONDS - start))
  if [ "$status" -eq 0 ]; then
    echo "orders check ($end): PASS in ${total}s [${timings[*]}]; $versions; $tests"
  else
    echo "orders check ($end): FAIL at '$step' after ${total}s [${timings[*]}]${versions:+; $versions}"
  fi
  exit "$status"
}
trap finish EXIT

# run <name> <command…>: one timed step.
run() {
  step=$1
  shift
  echo "== $step: $*" >&2
  local t=$SECONDS
  "$@"
  timings+=("$step $((SECONDS - t))s")
}

installed() {
  node -e '
    const version = (n) => JSON.parse(require("fs").readFileSync(`node_modules/${n}/package.json`, "utf8")).version;
    const names = ["kubestack", ...Object.keys(require("kubestack/package.json").peerDependencies)];
    console.log(names.map((n) => `${n} ${version(n)}`).join(", "));'
}

same_manifests() {
  if [ "$(sha1sum package.json package-lock.json)" != "$lock_before" ]; then
    echo "package.json or package-lock.json changed during the check; the install must not write them" >&2
    git --no-pager diff --stat -- package.json package-lock.json >&2 || true
    return 1
  fi
}

synth_matches_dist() {
  npx cdk8s synth --no-check-upgrade --output "$work/dist" >&2
  if ! diff -ru dist "$work/dist" >&2; then
    cat >&2 <<EOF

A fresh synth differs from the committed dist/ (above: - committed, + fresh).
dist/ is the synth at the versions of package-lock.json, which are the newest end of the peer
ranges when the lock was written. If the change is intended, run 'npm run build && npm run synth'
with the lock's versions and commit dist/ with it; if it appears only at '$end', the peer
versions of that end synthesize different YAML: see README.md.
EOF
    return 1
  fi
}

run_tests() {
  node --test build/test/ >"$work/tests.tap" 2>&1 || {
    cat "$work/tests.tap" >&2
    return 1
  }
  tests="$(grep -E "^# pass " "$work/tests.tap" | cut -d" " -f3) tests passed"
}

resolve_peers() {
  tar -xOzf "$tarball" package/package.json >"$work/kubestack.json"
  peers=$(node scripts/peer-versions.js "$work/kubestack.json" "$end")
  for override in ${ORDERS_PEERS:-}; do
    peers=$(for p in $peers; do [ "${p%@*}" = "${override%@*}" ] && echo "$override" || echo "$p"; done | xargs)
  done
}

lock_before=$(sha1sum package.json package-lock.json)
run clean rm -rf node_modules build
run ci npm ci --no-audit --no-fund
run peers resolve_peers
# shellcheck disable=SC2086 # $peers is a list of name@version words
run install npm install --no-save --no-audit --no-fund "$tarball" $peers
step=manifests
same_manifests
versions=$(installed)
echo "installed: $versions" >&2
run typecheck npx tsc -p tsconfig.json
run typecheck-node10 npx tsc -p tsconfig.json --noEmit --module commonjs --moduleResolution node10
run synth synth_matches_dist
run test run_tests
step=done
