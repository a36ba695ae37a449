#!/usr/bin/env bash
# Starts or stops tools/kind's own dockerd (socket, data and state under ${CACHE}), with the
# keyflow-runc wrapper as default runtime. `stop` also removes the networks, bridges and
# iptables rules the run added, restoring the tables saved at `start`.
source "$(dirname "$0")/lib.sh"

PIDFILE="${RUN_DIR}/dockerd.pid"
SAVED_RULES="${RUN_DIR}/iptables.before"
SAVED_FORWARD="${RUN_DIR}/ip_forward.before"

docker_running() {
  [[ -f "${PIDFILE}" ]] && kill -0 "$(cat "${PIDFILE}")" 2>/dev/null
}

build_wrapper() {
  if [[ ! -x "${BIN}/keyflow-runc" || "${KIND_DIR}/runc-wrapper/main.go" -nt "${BIN}/keyflow-runc" ]]; then
    log "dockerd: building the runc wrapper"
    (cd "${KIND_DIR}/runc-wrapper" && go build -trimpath -o "${BIN}/keyflow-runc" .)
  fi
  # kind runs `docker`; use the docker CLI that matches this dockerd.
  ln -sf /usr/bin/docker "${BIN}/docker"
}

start() {
  require_root
  if docker_running; then log "dockerd: already running (pid $(cat "${PIDFILE}"))"; return; fi
  build_wrapper
  [[ -f "${SAVED_RULES}" ]] || iptables-save > "${SAVED_RULES}"
  [[ -f "${SAVED_FORWARD}" ]] || cat /proc/sys/net/ipv4/ip_forward > "${SAVED_FORWARD}"
  modprobe br_netfilter 2>/dev/null || true
  mkdir -p "${DOCKER_DATA_ROOT}" "${RUN_DIR}/exec"
  cat > "${RUN_DIR}/daemon.json" <<JSON
{
  "data-root": "${DOCKER_DATA_ROOT}",
  "exec-root": "${RUN_DIR}/exec",
  "pidfile": "${PIDFILE}",
  "hosts": ["${DOCKER_HOST}"],
  "storage-driver": "overlay2",
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "bridge": "none",
  "runtimes": { "keyflow-runc": { "path": "${BIN}/keyflow-runc" } },
  "default-runtime": "keyflow-runc",
  "features": { "buildkit": true }
}
JSON
  log "dockerd: starting (log ${CACHE}/logs/dockerd.log)"
  nohup dockerd --config-file "${RUN_DIR}/daemon.json" > "${CACHE}/logs/dockerd.log" 2>&1 &
  local i
  for i in $(seq 1 60); do
    if docker version > /dev/null 2>&1; then log "dockerd: ready"; return; fi
    sleep 1
  done
  die "KF_KIND_DOCKERD: dockerd did not answer on ${DOCKER_SOCK} within 60 s; see ${CACHE}/logs/dockerd.log"
}

# iptables-restore replaces only the tables its input names, and iptables-save prints nothing
# for a table never used: such a table goes back to empty, with ACCEPT policies.
restore_rules() {
  {
    cat "${SAVED_RULES}"
    grep -q '^\*filter$' "${SAVED_RULES}" || printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n'
    grep -q '^\*nat$' "${SAVED_RULES}" ||
      printf '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n'
  } | iptables-restore
}

stop() {
  if docker_running; then
    local pid
    pid="$(cat "${PIDFILE}")"
    # Networks first: dockerd removes their bridges and rules itself.
    docker ps -aq 2>/dev/null | xargs -r docker rm -f > /dev/null 2>&1 || true
    docker network ls --filter type=custom -q 2>/dev/null | xargs -r docker network rm > /dev/null 2>&1 || true
    log "dockerd: stopping pid ${pid}"
    kill "${pid}"
    local i
    for i in $(seq 1 30); do kill -0 "${pid}" 2>/dev/null || break; sleep 1; done
    kill -0 "${pid}" 2>/dev/null && kill -9 "${pid}"
  fi
  rm -f "${PIDFILE}"
  # Anything still mounted under the exec root (a killed dockerd leaves netns mounts behind).
  grep -o " ${RUN_DIR}/exec[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  if [[ -f "${SAVED_RULES}" ]]; then
    restore_rules && rm -f "${SAVED_RULES}"
    log "dockerd: iptables restored to their state before the run"
  fi
  if [[ -f "${SAVED_FORWARD}" ]]; then
    cat "${SAVED_FORWARD}" > /proc/sys/net/ipv4/ip_forward && rm -f "${SAVED_FORWARD}"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "Usage: $0 start|stop" >&2; exit 2 ;;
esac
