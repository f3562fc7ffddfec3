#!/usr/bin/env bash
# Build the local toolchain ("kit") from Go modules into a versioned cache outside
# the repo: ${XDG_CACHE_HOME:-~/.cache}/cdk8s-kit/<key>/bin.
#
#   kit/build.sh                  build everything that is missing (idempotent)
#   kit/build.sh kubernetes etcd  build only these components
#   kit/build.sh --force [...]    rebuild even if the binaries are present
#   kit/build.sh --bin-dir        print the bin directory and exit
#   kit/build.sh --list           list components
#
# Go's module and build caches stay in their default places (GOMODCACHE, GOCACHE),
# so a second checkout on the same machine, or CI, reuses the compiled packages.
set -euo pipefail

# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

COMPONENTS=(kubernetes etcd kwok fake-provisioner pulumi pulumi-kubernetes kube-score pulumi-language-nodejs kube-linter)

GO_BUILD=(go build -trimpath -p "${KIT_GO_PARALLEL:-2}")

component_bins() {
  case "$1" in
    kubernetes) echo "kube-apiserver kube-controller-manager kube-scheduler" ;;
    etcd) echo "etcd" ;;
    kwok) echo "kwok" ;;
    fake-provisioner) echo "fake-provisioner" ;;
    pulumi) echo "pulumi" ;;
    pulumi-kubernetes) echo "pulumi-resource-kubernetes" ;;
    kube-score) echo "kube-score" ;;
    pulumi-language-nodejs) echo "pulumi-language-nodejs" ;;
    kube-linter) echo "kube-linter" ;;
    *) return 1 ;;
  esac
}

component_version() {
  case "$1" in
    kubernetes) echo "$KUBERNETES_VERSION" ;;
    etcd) echo "$ETCD_VERSION" ;;
    kwok) echo "$KWOK_VERSION" ;;
    fake-provisioner) echo "local-$KUBERNETES_VERSION" ;;
    pulumi) echo "$PULUMI_VERSION" ;;
    pulumi-kubernetes) echo "$PULUMI_KUBERNETES_VERSION" ;;
    kube-score) echo "$KUBE_SCORE_VERSION" ;;
    pulumi-language-nodejs) echo "$PULUMI_LANGUAGE_NODEJS_VERSION" ;;
    kube-linter) echo "$KUBE_LINTER_VERSION" ;;
  esac
}

# go build <pkg> into $KIT_BIN/<name> atomically (temp file + rename).
gobuild() { # moddir name pkg ldflags [env...]
  local moddir="$1" name="$2" pkg="$3" ldflags="$4"
  shift 4
  local tmp="$KIT_BIN/.$name.tmp.$$"
  (cd "$moddir" && env "$@" "${GO_BUILD[@]}" -ldflags "$ldflags" -o "$tmp" "$pkg")
  mv -f "$tmp" "$KIT_BIN/$name"
}

build_kubernetes() {
  local v="$KUBERNETES_VERSION" minor
  minor="$(echo "$v" | cut -d. -f2)"
  local ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  ld+=" -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    gobuild "$KIT_DIR/modules/kubernetes" "$c" "k8s.io/kubernetes/cmd/$c" "$ld" CGO_ENABLED=0
  done
}

build_etcd() {
  gobuild "$KIT_DIR/modules/etcd" etcd go.etcd.io/etcd/server/v3 \
    "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=module-$ETCD_VERSION" CGO_ENABLED=0
}

build_kwok() {
  gobuild "$KIT_DIR/modules/kwok" kwok sigs.k8s.io/kwok/cmd/kwok \
    "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBERNETES_VERSION#v}" \
    CGO_ENABLED=0
}

build_fake_provisioner() {
  gobuild "$KIT_DIR/modules/fake-provisioner" fake-provisioner . "-s -w" CGO_ENABLED=0
}

build_pulumi() {
  gobuild "$KIT_DIR/modules/pulumi" pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" CGO_ENABLED=0
}

build_pulumi_kubernetes() {
  # The provider embeds its schema. Upstream generates schema-embed.json with `make`;
  # here we copy the committed schema.json out of the module cache into a scratch
  # copy of the wrapper module, stamp the version into it, and build there.
  local src="$KIT_DIR/modules/pulumi-kubernetes" work="$KIT_HOME/src/pulumi-kubernetes" dir
  rm -rf "$work"
  mkdir -p "$work"
  cp "$src/go.mod" "$src/go.sum" "$src/main.go" "$work/"
  dir="$(cd "$work" && go mod download -json github.com/pulumi/pulumi-kubernetes/provider/v4 | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] && [ -f "$dir/cmd/pulumi-resource-kubernetes/schema.json" ] ||
    kit_die "schema.json not found in the provider module (dir='$dir')"
  node -e '
    const fs = require("fs");
    const [dir, work, version] = process.argv.slice(1);
    const schema = JSON.parse(fs.readFileSync(dir + "/cmd/pulumi-resource-kubernetes/schema.json", "utf8"));
    schema.version = version;
    fs.writeFileSync(work + "/schema-embed.json", JSON.stringify(schema));
    const mapping = JSON.parse(fs.readFileSync(dir + "/cmd/pulumi-resource-kubernetes/terraform-mapping.json", "utf8"));
    fs.writeFileSync(work + "/terraform-mapping-embed.json", JSON.stringify(mapping));
  ' "$dir" "$work" "$PULUMI_KUBERNETES_VERSION"
  gobuild "$work" pulumi-resource-kubernetes . \
    "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" \
    CGO_ENABLED=0
}

build_kube_score() {
  gobuild "$KIT_DIR/modules/kube-score" kube-score github.com/zegl/kube-score/cmd/kube-score \
    "-s -w -X main.version=${KUBE_SCORE_VERSION#v} -X main.commit=module" CGO_ENABLED=0
}

# A vendored source tree (../shared/vendor/<name>), copied to a scratch folder of the cache first:
# shared/ is read-only in CI, and go may write go.sum or build files next to the module.
vendored() { # name -> prints the writable copy
  local src="$KIT_VENDOR_DIR/$1" work="$KIT_HOME/src/$1"
  [ -f "$src/go.mod" ] || kit_die "no vendored source at $src (see ../shared/vendor/README.md; set KIT_VENDOR_DIR)"
  rm -rf "$work"
  mkdir -p "$(dirname "$work")"
  cp -r "$src" "$work"
  chmod -R u+w "$work"
  echo "$work"
}

build_pulumi_language_nodejs() {
  local work
  work="$(vendored pulumi-language-nodejs)"
  gobuild "$work" pulumi-language-nodejs . \
    "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_LANGUAGE_NODEJS_VERSION" CGO_ENABLED=0
}

build_kube_linter() {
  local work
  work="$(vendored kube-linter)"
  gobuild "$work" kube-linter ./cmd/kube-linter \
    "-s -w -X golang.stackrox.io/kube-linter/internal/version.version=$KUBE_LINTER_VERSION" CGO_ENABLED=0
}

is_current() { # component
  local c="$1" b
  [ "$(cat "$KIT_BIN/.$c.version" 2>/dev/null)" = "$(component_version "$c")" ] || return 1
  for b in $(component_bins "$c"); do [ -x "$KIT_BIN/$b" ] || return 1; done
}

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

FORCE=0
SELECTED=()
while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    --bin-dir) echo "$KIT_BIN"; exit 0 ;;
    --list) printf '%s\n' "${COMPONENTS[@]}"; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; kit_die "unknown option $1" ;;
    *) component_bins "$1" >/dev/null || kit_die "unknown component '$1' (try --list)"; SELECTED+=("$1") ;;
  esac
  shift
done
[ ${#SELECTED[@]} -gt 0 ] || SELECTED=("${COMPONENTS[@]}")

command -v node >/dev/null 2>&1 || kit_die "node is not on PATH (needed to prepare the provider schema)"
mkdir -p "$KIT_BIN"
echo "kit: $(go version)"
echo "kit: cache $KIT_HOME"

declare -A RESULT
failed=0
total_start=$(date +%s)
for c in "${SELECTED[@]}"; do
  if [ "$FORCE" = 0 ] && is_current "$c"; then
    RESULT[$c]="cached"
    continue
  fi
  echo "kit: building $c $(component_version "$c") ..."
  rm -f "$KIT_BIN/.$c.version"
  start=$(date +%s)
  log="$KIT_HOME/build-$c.log"
  # Not inside an `if`, so that errexit stays active in the subshell.
  set +e
  (set -e; "build_${c//-/_}") >"$log" 2>&1
  rc=$?
  set -e
  if [ "$rc" = 0 ]; then
    component_version "$c" >"$KIT_BIN/.$c.version"
    secs=$(($(date +%s) - start))
    RESULT[$c]="built in ${secs}s"
    echo "$(date -u +%FT%TZ) $c $(component_version "$c") ${secs}s" >>"$KIT_HOME/build-times.log"
  else
    secs=$(($(date +%s) - start))
    RESULT[$c]="FAILED after ${secs}s (log: $log)"
    failed=1
    tail -n 20 "$log" | sed "s/^/kit: $c: /" >&2
  fi
done

echo
echo "kit summary ($(($(date +%s) - total_start))s total) -> $KIT_BIN"
printf '  %-22s %-34s %s\n' COMPONENT VERSION STATUS
for c in "${SELECTED[@]}"; do
  printf '  %-22s %-34s %s\n' "$c" "$(component_version "$c")" "${RESULT[$c]}"
  for b in $(component_bins "$c"); do
    [ -x "$KIT_BIN/$b" ] && printf '      %s\n' "$b"
  done
done
exit "$failed"
