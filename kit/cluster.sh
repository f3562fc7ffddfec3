#!/usr/bin/env bash
# Local Kubernetes clusters from the kit binaries: etcd + kube-apiserver +
# kube-controller-manager + kube-scheduler + kwok (fake nodes/pods) + a fake volume
# provisioner. No containers run; pods are simulated by kwok.
#
#   kit/cluster.sh up     dev|staging|prod|all   start (no-op if already up)
#   kit/cluster.sh down   dev|staging|prod|all   stop the recorded processes, delete data
#   kit/cluster.sh status [dev|staging|prod|all]
#   kit/cluster.sh kubeconfig dev                 print the kubeconfig path
#   kit/cluster.sh up fuzz                        etcd + kube-apiserver only (e2e/fuzz-apiserver.ts)
#   kit/cluster.sh kill-apiserver dev             SIGKILL the recorded kube-apiserver (a crash)
#   kit/cluster.sh start-apiserver dev            start it again with the same flags, wait for /readyz
#   kit/cluster.sh restart-apiserver dev          both, KIT_APISERVER_DOWN_SECONDS (default 5) apart
#
# Everything listens on 127.0.0.1 only. Data, certificates, logs and the kubeconfig
# live in ${XDG_RUNTIME_DIR:-/tmp}/cdk8s-clusters/<env>/ (kubeconfig: <dir>/kubeconfig).
# Environment: KIT_CLUSTER_TIMEOUT (seconds, default 60) bounds the wait for readiness.
set -euo pipefail

# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

ENVS=(dev staging prod)
CLUSTERS_ROOT="${XDG_RUNTIME_DIR:-/tmp}/cdk8s-clusters"
TIMEOUT="${KIT_CLUSTER_TIMEOUT:-60}"
BINS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok fake-provisioner)
# Start order; `down` stops in reverse.
PROCS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok fake-provisioner)
# The fuzz environment (not part of `all`) is a bare control plane for server-side dry runs:
# etcd and a kube-apiserver started with exactly the flags above, no controllers, no nodes.
FUZZ_PROCS=(etcd kube-apiserver)

die() { echo "cluster: error: $*" >&2; exit 1; }
log() { echo "cluster: $*"; }

# Ports: each environment gets its own block, all on 127.0.0.1.
env_offset() {
  case "$1" in
    dev) echo 0 ;; staging) echo 100 ;; prod) echo 200 ;; fuzz) echo 300 ;;
    *) die "unknown environment '$1' (expected dev, staging, prod, fuzz or all)" ;;
  esac
}
set_env_vars() { # env
  ENV_NAME="$1"
  local off
  off="$(env_offset "$1")"
  ETCD_CLIENT_PORT=$((23790 + off))
  ETCD_PEER_PORT=$((23800 + off))
  API_PORT=$((26443 + off))
  KCM_PORT=$((30257 + off))
  SCHED_PORT=$((30259 + off))
  DIR="$CLUSTERS_ROOT/$1"
  PKI="$DIR/pki"
  KUBECONFIG_FILE="$DIR/kubeconfig"
  if [ "$1" = fuzz ]; then
    PROCS=("${FUZZ_PROCS[@]}")
    BINS=("${FUZZ_PROCS[@]}")
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { # name -> 0 if the recorded pid is alive and is our binary
  local f="$DIR/pids/$1.pid" pid exe
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  [ "${exe% (deleted)}" = "$(cat "$DIR/pids/$1.exe" 2>/dev/null)" ]
}

kc() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# ---------------------------------------------------------------- certificates
gen_pki() {
  mkdir -p "$PKI"
  local o=(-nodes -days 3650)
  (
    cd "$PKI"
    openssl req -x509 -newkey rsa:2048 "${o[@]}" -keyout ca.key -out ca.crt \
      -subj "/CN=cdk8s-kit-$ENV_NAME-ca" 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    # name  subject  extensions
    issue() {
      openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
      printf '%s\n' "$3" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
        -extfile "$1.ext" -out "$1.crt" 2>/dev/null
      rm -f "$1.csr" "$1.ext"
    }
    issue apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
    issue admin "/O=system:masters/CN=kubernetes-admin" "$client"
    # Separate CA for the aggregation layer's request-header authentication; without
    # it the controller-manager and scheduler log errors every few seconds.
    openssl req -x509 -newkey rsa:2048 "${o[@]}" -keyout front-proxy-ca.key -out front-proxy-ca.crt \
      -subj "/CN=cdk8s-kit-$ENV_NAME-front-proxy-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout front-proxy-client.key -out front-proxy-client.csr \
      -subj "/CN=front-proxy-client" 2>/dev/null
    printf '%s\n' "$client" >front-proxy-client.ext
    openssl x509 -req -in front-proxy-client.csr -CA front-proxy-ca.crt -CAkey front-proxy-ca.key \
      -CAcreateserial -days 3650 -extfile front-proxy-client.ext -out front-proxy-client.crt 2>/dev/null
    rm -f front-proxy-client.csr front-proxy-client.ext
    issue controller-manager "/CN=system:kube-controller-manager" "$client"
    issue scheduler "/CN=system:kube-scheduler" "$client"
    chmod 600 ./*.key
  )
}

write_kubeconfig() { # file user
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kit-$ENV_NAME
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: $2
  user:
    client-certificate: $PKI/$2.crt
    client-key: $PKI/$2.key
contexts:
- name: kit-$ENV_NAME
  context:
    cluster: kit-$ENV_NAME
    user: $2
current-context: kit-$ENV_NAME
EOF
  chmod 600 "$1"
}

# ------------------------------------------------------------------- processes
start_proc() { # name args...
  local name="$1"
  shift
  local bin="$KIT_BIN/$name"
  setsid nohup "$bin" "$@" >>"$DIR/logs/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$DIR/pids/$name.pid"
  echo "$bin" >"$DIR/pids/$name.exe"
  # The recorded pid is setsid, then nohup, and only then the binary (each execs the next).
  # Wait for the last exec, so that pid_alive does not mistake a starting process for a dead
  # one on a loaded machine; give up after 10 s and let the readiness wait report it.
  local i exe
  for i in $(seq 1 100); do
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
    [ "${exe% (deleted)}" = "$bin" ] && return 0
    [ -d "/proc/$pid" ] || return 0
    sleep 0.1
  done
}

# Poll `cmd` until it succeeds or the deadline passes; fail with the process log.
wait_for() { # what proc cmd...
  local what="$1" proc="$2"
  shift 2
  while ! "$@" >/dev/null 2>&1; do
    if [ -n "$proc" ] && ! pid_alive "$proc"; then
      tail -n 15 "$DIR/logs/$proc.log" >&2 || true
      fail_up "$proc exited while waiting for $what (log: $DIR/logs/$proc.log)"
    fi
    if [ "$(date +%s)" -ge "$DEADLINE" ]; then
      [ -n "$proc" ] && tail -n 15 "$DIR/logs/$proc.log" >&2
      fail_up "timed out after ${TIMEOUT}s waiting for $what${proc:+ (log: $DIR/logs/$proc.log)}"
    fi
    sleep 0.3
  done
}

fail_up() {
  echo "cluster: error: $ENV_NAME: $*" >&2
  [ "${KEEP_ON_FAIL:-}" = 1 ] && exit 1 # start-apiserver: leave the rest of the cluster running
  echo "cluster: stopping the partially started $ENV_NAME cluster (data kept in $DIR for inspection)" >&2
  stop_procs
  exit 1
}

healthz() { curl -fsk --max-time 2 "https://127.0.0.1:$1/healthz"; }
api_ready() {
  curl -fs --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz"
}
nodes_ready() {
  [ "$(kc get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c '^True$')" = 3 ]
}
etcd_healthy() { curl -fs --max-time 2 "http://127.0.0.1:$ETCD_CLIENT_PORT/health" | grep -q '"health":"true"'; }

cluster_objects() {
  cat <<'EOF'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kwok.x-k8s.io/fake
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
EOF
  local z
  for z in a b c; do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-$ENV_NAME-$z
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: kwok-$ENV_NAME-$z
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node.kubernetes.io/instance-type: kwok
    topology.kubernetes.io/region: local
    topology.kubernetes.io/zone: $z
    type: kwok
status:
  allocatable: {cpu: "16", memory: 64Gi, pods: "110", ephemeral-storage: 500Gi}
  capacity: {cpu: "16", memory: 64Gi, pods: "110", ephemeral-storage: 500Gi}
EOF
  done
}

# The kube-apiserver of $ENV_NAME, with the flags of every start: `up` and `start-apiserver` both
# call this, so a restarted server is the same server (same certificates, etcd, ports).
start_apiserver() {
  start_proc kube-apiserver \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction,PodSecurity \
    --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
    --endpoint-reconciler-type none \
    --allow-privileged=true --profiling=false --cert-dir "$PKI/apiserver-generated"
}

up_one() {
  set_env_vars "$1"
  local b
  for b in "${BINS[@]}"; do
    [ -x "$KIT_BIN/$b" ] || die "$b binary missing in $KIT_BIN; run npm run kit (kit/build.sh)"
  done
  command -v kubectl >/dev/null || die "kubectl is not on PATH"
  command -v openssl >/dev/null || die "openssl is not on PATH"

  if [ -d "$DIR/pids" ]; then
    local alive=0 p
    for p in "${PROCS[@]}"; do pid_alive "$p" && alive=$((alive + 1)); done
    if [ "$alive" = "${#PROCS[@]}" ]; then
      log "$ENV_NAME is already up (kubeconfig: $KUBECONFIG_FILE)"
      return 0
    fi
    log "$ENV_NAME: found a stale or partial cluster in $DIR; cleaning it up"
    stop_procs
    rm -rf "$DIR"
  fi

  local port
  for port in "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT" "$API_PORT" "$KCM_PORT" "$SCHED_PORT"; do
    port_in_use "$port" && die "$ENV_NAME: port $port on 127.0.0.1 is in use"
  done

  local t0
  t0=$(date +%s%3N)
  DEADLINE=$(($(date +%s) + TIMEOUT))
  rm -rf "$DIR"
  mkdir -p "$DIR/logs" "$DIR/pids" "$DIR/etcd"
  chmod 700 "$DIR" "$DIR/etcd"
  gen_pki
  write_kubeconfig "$KUBECONFIG_FILE" admin
  write_kubeconfig "$DIR/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$DIR/scheduler.kubeconfig" scheduler

  start_proc etcd --name "$ENV_NAME" --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "$ENV_NAME=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --log-level warn
  wait_for "etcd on port $ETCD_CLIENT_PORT" etcd etcd_healthy

  start_apiserver
  wait_for "kube-apiserver /readyz on port $API_PORT" kube-apiserver api_ready
  if [ "$ENV_NAME" = fuzz ]; then
    local ms=$(($(date +%s%3N) - t0))
    log "$ENV_NAME (etcd + kube-apiserver) is up in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s: https://127.0.0.1:$API_PORT"
    log "  export KUBECONFIG=$KUBECONFIG_FILE"
    return 0
  fi

  start_proc kube-controller-manager \
    --kubeconfig "$DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$DIR/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --cert-dir "$PKI/controller-manager-generated" \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --use-service-account-credentials=true --controllers '*' --leader-elect=false \
    --service-cluster-ip-range 10.96.0.0/16 --profiling=false
  start_proc kube-scheduler \
    --kubeconfig "$DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig "$DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig "$DIR/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --leader-elect=false --profiling=false
  start_proc kwok --kubeconfig "$KUBECONFIG_FILE" --config "$KIT_DIR/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds 40 --cidr 10.244.0.0/16 --node-ip 10.240.0.1 -v WARN
  start_proc fake-provisioner --kubeconfig "$KUBECONFIG_FILE"

  wait_for "kube-controller-manager /healthz on port $KCM_PORT" kube-controller-manager healthz "$KCM_PORT"
  wait_for "kube-scheduler /healthz on port $SCHED_PORT" kube-scheduler healthz "$SCHED_PORT"

  cluster_objects >"$DIR/bootstrap.yaml"
  wait_for "StorageClass and Nodes to be created" "" kc apply -f "$DIR/bootstrap.yaml"
  wait_for "3 Ready nodes" kwok nodes_ready
  wait_for "the default ServiceAccount" kube-controller-manager kc -n default get serviceaccount default
  local p
  for p in "${PROCS[@]}"; do
    pid_alive "$p" || fail_up "$p exited during startup (log: $DIR/logs/$p.log)"
  done

  local ms=$(($(date +%s%3N) - t0))
  log "$ENV_NAME is up in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s: https://127.0.0.1:$API_PORT"
  log "  export KUBECONFIG=$KUBECONFIG_FILE"
}

# `kill-apiserver <env>`: SIGKILL the recorded kube-apiserver, as a crash would (no graceful
# shutdown); its pid file stays, so `status` shows it DEAD and `start-apiserver` can follow.
kill_apiserver_one() {
  set_env_vars "$1"
  [ -d "$DIR/pids" ] || die "$ENV_NAME is not running (no $DIR)"
  pid_alive kube-apiserver || die "$ENV_NAME: the recorded kube-apiserver is not running"
  local pid
  pid="$(cat "$DIR/pids/kube-apiserver.pid")"
  kill -KILL "$pid"
  for _ in $(seq 1 50); do
    [ -d "/proc/$pid" ] || break
    sleep 0.1
  done
  [ -d "/proc/$pid" ] && die "$ENV_NAME: kube-apiserver $pid survived SIGKILL"
  log "$ENV_NAME: killed kube-apiserver (pid $pid, SIGKILL) at $(date +%s%3N)"
}

# `start-apiserver <env>`: start it again with the flags of `up` and wait for /readyz. It fails,
# leaving the rest of the cluster running, when it is already running or does not become ready.
start_apiserver_one() {
  set_env_vars "$1"
  [ -d "$DIR/pids" ] || die "$ENV_NAME is not running (no $DIR); start it with: kit/cluster.sh up $ENV_NAME"
  pid_alive kube-apiserver && die "$ENV_NAME: kube-apiserver is already running (pid $(cat "$DIR/pids/kube-apiserver.pid"))"
  local t0
  t0=$(date +%s%3N)
  DEADLINE=$(($(date +%s) + TIMEOUT))
  KEEP_ON_FAIL=1
  start_apiserver
  wait_for "kube-apiserver /readyz on port $API_PORT" kube-apiserver api_ready
  local ms=$(($(date +%s%3N) - t0))
  log "$ENV_NAME: kube-apiserver (pid $(cat "$DIR/pids/kube-apiserver.pid")) is ready in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s"
}

stop_procs() { # kills exactly the recorded pids (if they are still our binaries)
  local i p pid
  for ((i = ${#PROCS[@]} - 1; i >= 0; i--)); do
    p="${PROCS[$i]}"
    if pid_alive "$p"; then
      pid="$(cat "$DIR/pids/$p.pid")"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        [ -d "/proc/$pid" ] || break
        sleep 0.1
      done
      if [ -d "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$DIR/pids/$p.pid"
  done
}

down_one() {
  set_env_vars "$1"
  if [ ! -d "$DIR" ]; then
    log "$ENV_NAME is not running (no $DIR)"
    return 0
  fi
  [ -d "$DIR/pids" ] && stop_procs
  rm -rf "$DIR"
  log "$ENV_NAME is down"
}

status_one() {
  set_env_vars "$1"
  if [ ! -d "$DIR" ]; then
    printf '%-8s down\n' "$ENV_NAME"
    return 0
  fi
  local p states="" alive=0
  for p in "${PROCS[@]}"; do
    if pid_alive "$p"; then
      alive=$((alive + 1))
      states+=" $p:$(cat "$DIR/pids/$p.pid")"
    else
      states+=" $p:DEAD"
    fi
  done
  local state=up
  [ "$alive" = "${#PROCS[@]}" ] || state=degraded
  [ "$alive" = 0 ] && state=stopped
  printf '%-8s %-8s https://127.0.0.1:%s  kubeconfig=%s\n' "$ENV_NAME" "$state" "$API_PORT" "$KUBECONFIG_FILE"
  printf '         pids:%s\n' "$states"
  if [ "$state" != stopped ] && [ "$ENV_NAME" != fuzz ]; then
    printf '         nodes: %s\n' "$(kc get nodes --no-headers 2>/dev/null | awk '{printf "%s(%s) ", $1, $2}')"
  fi
}

expand_envs() {
  case "${1:-}" in
    all) echo "${ENVS[@]}" ;;
    dev|staging|prod|fuzz) echo "$1" ;;
    "") die "missing environment (dev, staging, prod, fuzz or all)" ;;
    *) die "unknown environment '$1' (expected dev, staging, prod, fuzz or all)" ;;
  esac
}

cmd="${1:-}"
shift || true
case "$cmd" in
  up|down|status|kubeconfig|kill-apiserver|start-apiserver|restart-apiserver)
    default=""
    [ "$cmd" = status ] && default=all
    targets="$(expand_envs "${1:-$default}")" # exits (set -e) on a bad name
    ;;
esac
case "$cmd" in
  up) for e in $targets; do up_one "$e"; done ;;
  down) for e in $targets; do down_one "$e"; done ;;
  status) for e in $targets; do status_one "$e"; done ;;
  kill-apiserver) for e in $targets; do kill_apiserver_one "$e"; done ;;
  start-apiserver) for e in $targets; do start_apiserver_one "$e"; done ;;
  restart-apiserver)
    for e in $targets; do
      kill_apiserver_one "$e"
      sleep "${KIT_APISERVER_DOWN_SECONDS:-5}"
      start_apiserver_one "$e"
    done
    ;;
  kubeconfig)
    [ "$targets" = "${targets%% *}" ] || die "kubeconfig takes a single environment"
    set_env_vars "$targets"
    echo "$KUBECONFIG_FILE"
    ;;
  -h|--help|help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
