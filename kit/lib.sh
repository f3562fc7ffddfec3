# shellcheck shell=bash
# Shared helpers for kit/build.sh and kit/cluster.sh. Source, don't execute.

KIT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
. "$KIT_DIR/versions.env"

export GOTOOLCHAIN=local

kit_die() { echo "kit: error: $*" >&2; exit 1; }

# Upstream sources that the module proxy refuses, vendored next to the repository (read-only in
# CI; kit/build.sh copies them to a writable place before building).
KIT_VENDOR_DIR="${KIT_VENDOR_DIR:-$(cd "$KIT_DIR/../.." && pwd)/shared/vendor}"

# The cache key covers everything that decides what gets built: the versions file,
# the wrapper modules, the vendored sources and the Go toolchain. Same inputs -> same directory.
kit_key() {
  command -v go >/dev/null 2>&1 || kit_die "go is not on PATH"
  local gov
  gov="$(go env GOVERSION)"
  {
    echo "$gov"
    cat "$KIT_DIR/versions.env"
    (cd "$KIT_DIR/modules" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    if [ -d "$KIT_VENDOR_DIR" ]; then (cd "$KIT_VENDOR_DIR" && find pulumi-language-nodejs kube-linter -type f | LC_ALL=C sort | xargs sha256sum); fi
  } | sha256sum | cut -c1-12 | sed "s/^/k8s-${KUBERNETES_VERSION#v}-$gov-/"
}

KIT_CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-kit"
KIT_HOME="$KIT_CACHE_ROOT/$(kit_key)"
KIT_BIN="$KIT_HOME/bin"
