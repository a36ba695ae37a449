#!/usr/bin/env bash
# Keyflow: install and run a local Apache Flink 1.16.2 session cluster for Apache Flink
# StateFun 3.3.0 as separate JVMs (one JobManager, N TaskManagers), from Maven Central jars,
# bound to 127.0.0.1 only. No flink-dist, no Docker.
#
#   tools/flink/flink.sh --help
set -euo pipefail

FLINK_VERSION="1.16.2"
STATEFUN_VERSION="3.3.0"
OPERATOR_VERSION="1.10.0"
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
CACHE_ROOT="${KEYFLOW_CACHE_DIR:-${HOME}/.cache/keyflow}"
VERSION_DIR="${CACHE_ROOT}/flink-${FLINK_VERSION}-statefun-${STATEFUN_VERSION}"
LIBS_DIR="${VERSION_DIR}/libs"
JOB_JAR="${VERSION_DIR}/job/statefun-flink-distribution-${STATEFUN_VERSION}.jar"
MARKER="${VERSION_DIR}/.installed"
HOST="127.0.0.1"

JM_MEMORY="${FLINK_JM_MEMORY:-768m}"
TM_MEMORY="${FLINK_TM_MEMORY:-1280m}"
JVM_OPTS="${FLINK_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=96m -Djava.awt.headless=true}"
START_TIMEOUT="${FLINK_START_TIMEOUT:-120}"
STOP_TIMEOUT="${FLINK_STOP_TIMEOUT:-20}"

# Flink 1.16 reflects into these JDK internals; on Java 17 they must be opened explicitly
# (the same list Flink 1.18's start scripts pass by default).
JAVA17_OPTS="-XX:+IgnoreUnrecognizedVMOptions
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

log() { printf '[flink] %s\n' "$*" >&2; }
die() { printf '[flink] error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<EOF
Usage: tools/flink/flink.sh <command> [options]

Runs a local Apache Flink ${FLINK_VERSION} session cluster for Apache Flink StateFun
${STATEFUN_VERSION} on ${HOST}: one JobManager and N TaskManagers, each its own JVM.

Commands:
  install                 Resolve the cluster's jars and the StateFun job jar from Maven
                          Central into ${VERSION_DIR}
                          (cached; a second run does nothing).
  start [options]         Install if needed, write DIR/conf, start the JobManager and the
                          TaskManagers in the background and wait until all are registered.
                          Last stdout line:
                            FLINK_REST=http://${HOST}:<port> FLINK_DIR=<dir> FLINK_JM_PID=<pid>
      --dir DIR           Cluster folder (conf/, log/, pids/). Default: a fresh folder under
                          \${TMPDIR:-/tmp}. Checkpoints and savepoints go to DIR/checkpoints and
                          DIR/savepoints unless --set says otherwise.
      --taskmanagers N    TaskManagers to start (default 1).
      --slots N           Task slots per TaskManager (default 2).
      --rest-port N       Web UI and REST port (default: a free port).
      --rpc-port N        JobManager RPC port (default: a free port).
      --set KEY=VALUE     Extra/overriding flink-conf.yaml entry (repeatable).
  start-taskmanager --dir DIR   Start one more TaskManager for the cluster of DIR (for
                          example after one was killed); prints FLINK_TM_PID=<pid>.
  stop [--dir DIR]        SIGTERM the TaskManagers and the JobManager, SIGKILL after
                          ${STOP_TIMEOUT}s; safe when not running.
  status --dir DIR        Print the REST address and the live processes (exit 3 if the
                          JobManager does not run).
  crd                     Print FLINK_DEPLOYMENT_CRD=<path>: the FlinkDeployment CRD of the Flink
                          Kubernetes Operator ${OPERATOR_VERSION}, from its API jar on Maven Central
                          (org.apache.flink:flink-kubernetes-operator-api; cached).
  job-jar                 Print FLINK_JOB_JAR=<path of the StateFun job jar> (installs if needed).
  classpath               Print the cluster's java classpath.
  -h, --help              This help.

Environment:
  KEYFLOW_CACHE_DIR       Cache root (default \$HOME/.cache/keyflow).
  FLINK_JM_MEMORY         jobmanager.memory.process.size (default 768m).
  FLINK_TM_MEMORY         taskmanager.memory.process.size (default 1280m).
  FLINK_JVM_OPTS          Extra JVM options of every process.
  FLINK_START_TIMEOUT     Seconds to wait for the cluster (default 120).
  FLINK_STOP_TIMEOUT      Seconds to wait after SIGTERM before SIGKILL (default 20).
  FLINK_MVN_ARGS          Extra arguments for mvn (e.g. -s settings.xml).
EOF
}

# ---------------------------------------------------------------- install --

is_installed() { [[ -f "$MARKER" && -f "$JOB_JAR" && -f "${LIBS_DIR}/flink-runtime-${FLINK_VERSION}.jar" ]]; }

cmd_install() {
  [[ $# -eq 0 ]] || die "install takes no arguments"
  if is_installed; then return 0; fi
  command -v java >/dev/null || die "java not found (Java 17 is needed)"
  command -v mvn >/dev/null || die "mvn not found (Maven is needed to fetch the jars)"
  mkdir -p "$VERSION_DIR"
  exec 9>"${VERSION_DIR}/.lock"
  flock 9
  if is_installed; then exec 9>&-; return 0; fi
  local work t0=$SECONDS
  work="$(mktemp -d "${VERSION_DIR}/.install.XXXXXX")"
  log "resolving Flink ${FLINK_VERSION} and StateFun ${STATEFUN_VERSION} from Maven Central (first run only) ..."
  # shellcheck disable=SC2086
  if ! mvn -q -B -f "${SCRIPT_DIR}/pom.xml" ${FLINK_MVN_ARGS:-} "${DEPENDENCY_PLUGIN}:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="${work}/libs" >"${work}/mvn.log" 2>&1 \
    || ! mvn -q -B -f "${SCRIPT_DIR}/pom.xml" ${FLINK_MVN_ARGS:-} "${DEPENDENCY_PLUGIN}:copy" \
      -Dartifact="org.apache.flink:statefun-flink-distribution:${STATEFUN_VERSION}" \
      -DoutputDirectory="${work}/job" >>"${work}/mvn.log" 2>&1; then
    tail -n 40 "${work}/mvn.log" >&2 || true
    rm -rf "$work"
    die "mvn could not resolve the Flink/StateFun jars (is Maven Central reachable?)"
  fi
  [[ -f "${work}/libs/flink-runtime-${FLINK_VERSION}.jar" && -f "${work}/job/$(basename "$JOB_JAR")" ]] \
    || { rm -rf "$work"; die "jars missing after mvn (see ${SCRIPT_DIR}/pom.xml)"; }
  rm -rf "$LIBS_DIR" "${VERSION_DIR}/job"
  mv "${work}/libs" "$LIBS_DIR"
  mv "${work}/job" "${VERSION_DIR}/job"
  rm -rf "$work"
  printf 'flink=%s statefun=%s installed=%s\n' "$FLINK_VERSION" "$STATEFUN_VERSION" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$MARKER"
  log "installed $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$VERSION_DIR" | cut -f1)) in ${VERSION_DIR} in $((SECONDS - t0))s"
  exec 9>&-
}

# The operator's CRD as fabric8 generated it into the operator's API jar (apiextensions/v1).
cmd_crd() {
  local dir="${CACHE_ROOT}/flink-kubernetes-operator-${OPERATOR_VERSION}"
  local crd="${dir}/flinkdeployments.flink.apache.org-v1.yml"
  if [[ ! -s "$crd" ]]; then
    mkdir -p "$dir"
    exec 8>"${dir}/.lock"
    flock 8
    if [[ ! -s "$crd" ]]; then
      # shellcheck disable=SC2086
      mvn -q -B -f "${SCRIPT_DIR}/pom.xml" ${FLINK_MVN_ARGS:-} "${DEPENDENCY_PLUGIN}:copy" \
        -Dartifact="org.apache.flink:flink-kubernetes-operator-api:${OPERATOR_VERSION}" \
        -DoutputDirectory="$dir" >"${dir}/mvn.log" 2>&1 \
        || { tail -n 20 "${dir}/mvn.log" >&2; die "mvn could not resolve flink-kubernetes-operator-api ${OPERATOR_VERSION}"; }
      (cd "$dir" && jar xf "flink-kubernetes-operator-api-${OPERATOR_VERSION}.jar" "META-INF/fabric8/$(basename "$crd")" \
        && mv "META-INF/fabric8/$(basename "$crd")" "$crd.tmp" && mv "$crd.tmp" "$crd" && rm -rf META-INF) \
        || die "the FlinkDeployment CRD is missing from flink-kubernetes-operator-api ${OPERATOR_VERSION}"
    fi
    exec 8>&-
  fi
  printf 'FLINK_DEPLOYMENT_CRD=%s\n' "$crd"
}

# ------------------------------------------------------------------ utils --

abs_path() { mkdir -p "$1" && (cd "$1" && pwd -P); }

port_in_use() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null
}

free_port() {
  # Below the kernel's ephemeral range: a port in it can be handed to an outgoing connection or
  # to a JVM's port-0 listener between this check and Flink's bind (the REST endpoint then fails
  # with a BindException, as it once did in CI while Kafka clients were busy).
  local port low
  low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true)"
  [[ "$low" =~ ^[0-9]+$ ]] && ((low > 12000)) || low=32768
  while :; do
    port=$((10000 + RANDOM % (low - 10000)))
    port_in_use "$port" || { printf '%s' "$port"; return 0; }
  done
}

check_number() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 must be a number, got '$2'"; }

# 0 if $1 is a live JVM of the cluster in $2.
pid_of_cluster() {
  local pid="$1" dir="$2"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -r "/proc/${pid}/cmdline" ]] || return 0
  tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -qF -- "--configDir ${dir}/conf"
}

conf_value() { sed -n "s/^$1: *//p" "$2/conf/flink-conf.yaml" | tail -n 1; }

rest_answers() { curl -fsS --max-time 2 "http://${HOST}:$1/overview" 2>/dev/null; }

# ------------------------------------------------------------------ start --

write_conf() {
  local dir="$1" rest="$2" rpc="$3" slots="$4"; shift 4
  mkdir -p "${dir}/conf" "${dir}/log" "${dir}/pids" "${dir}/checkpoints" "${dir}/savepoints" "${dir}/tmp"
  cat >"${dir}/conf/flink-conf.yaml" <<EOF
# Generated by tools/flink/flink.sh ($(date -u +%Y-%m-%dT%H:%M:%SZ)); rewritten on every start.
jobmanager.rpc.address: ${HOST}
jobmanager.rpc.port: ${rpc}
jobmanager.bind-host: ${HOST}
jobmanager.memory.process.size: ${JM_MEMORY}
taskmanager.host: ${HOST}
taskmanager.bind-host: ${HOST}
taskmanager.memory.process.size: ${TM_MEMORY}
taskmanager.numberOfTaskSlots: ${slots}
taskmanager.memory.managed.fraction: 0.25
rest.address: ${HOST}
rest.bind-address: ${HOST}
rest.port: ${rest}
io.tmp.dirs: ${dir}/tmp
web.tmpdir: ${dir}/tmp
web.upload.dir: ${dir}/tmp

# StateFun: its classes, Kafka's and protobuf's come parent-first (its config validator
# insists), state in RocksDB with timers in RocksDB, checkpoints on a folder every TaskManager sees.
classloader.parent-first-patterns.additional: org.apache.flink.statefun;org.apache.kafka;com.google.protobuf
state.backend: rocksdb
state.backend.incremental: true
state.checkpoints.dir: file://${dir}/checkpoints
state.savepoints.dir: file://${dir}/savepoints
execution.checkpointing.interval: 2s
execution.checkpointing.min-pause: 500ms
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
restart-strategy: fixed-delay
restart-strategy.fixed-delay.attempts: 2147483647
restart-strategy.fixed-delay.delay: 1s

# A killed TaskManager is noticed within seconds, not the default 50.
heartbeat.interval: 2000
heartbeat.timeout: 10000
EOF
  local kv
  if (($#)); then
    printf '\n# --set overrides\n' >>"${dir}/conf/flink-conf.yaml"
    for kv in "$@"; do printf '%s: %s\n' "${kv%%=*}" "${kv#*=}" >>"${dir}/conf/flink-conf.yaml"; done
  fi
  cat >"${dir}/conf/log4j.properties" <<'EOF'
# Generated by tools/flink/flink.sh: each process logs to the file in -Dlog.file.
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5level %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 50MB
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 2
logger.akka.name = akka
logger.akka.level = WARN
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.netty.name = org.apache.flink.shaded.netty4.io.netty
logger.netty.level = WARN
EOF
}

# Starts a JVM in its own session; $1 pid file, $2 log name, rest: java arguments.
launch() {
  local pidfile="$1" logname="$2" dir="$3"; shift 3
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" \
    java "$@" </dev/null >>"${dir}/log/${logname}.out" 2>&1 &
  local pid="" deadline=$((SECONDS + 10))
  while [[ ! -s "$pidfile" ]]; do
    ((SECONDS < deadline)) || die "${logname} did not start"
    sleep 0.05
  done
  pid="$(tr -dc '0-9' <"$pidfile")"
  printf '%s' "$pid"
}

# The memory options Flink's start scripts compute for a TaskManager: line 1 JVM options,
# line 2 dynamic properties (-D key=value ...).
tm_params() {
  local dir="$1" out
  # shellcheck disable=SC2086
  out="$(java -Xmx128m ${JVM_OPTS} -cp "${LIBS_DIR}/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    GET_TM_RESOURCE_PARAMS --configDir "${dir}/conf" 2>"${dir}/log/bash-java-utils.log")" \
    || { cat "${dir}/log/bash-java-utils.log" >&2; die "could not compute the TaskManager memory settings"; }
  printf '%s\n' "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | tail -n 2 >"${dir}/conf/tm-params"
  [[ "$(wc -l <"${dir}/conf/tm-params")" -eq 2 ]] || { printf '%s\n' "$out" >&2; die "unexpected BashJavaUtils output"; }
}

jm_params() {
  local dir="$1" out
  # shellcheck disable=SC2086
  out="$(java -Xmx128m ${JVM_OPTS} -cp "${LIBS_DIR}/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    GET_JM_RESOURCE_PARAMS --configDir "${dir}/conf" 2>"${dir}/log/bash-java-utils.log")" \
    || { cat "${dir}/log/bash-java-utils.log" >&2; die "could not compute the JobManager memory settings"; }
  printf '%s\n' "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | tail -n 2 >"${dir}/conf/jm-params"
  [[ "$(wc -l <"${dir}/conf/jm-params")" -eq 2 ]] || { printf '%s\n' "$out" >&2; die "unexpected BashJavaUtils output"; }
}

start_taskmanager() {
  local dir="$1" n=1
  while [[ -e "${dir}/pids/taskmanager-${n}.pid" || -e "${dir}/log/taskmanager-${n}.log" ]]; do n=$((n + 1)); done
  local jvm dyn
  jvm="$(sed -n 1p "${dir}/conf/tm-params")"
  dyn="$(sed -n 2p "${dir}/conf/tm-params")"
  # shellcheck disable=SC2086
  launch "${dir}/pids/taskmanager-${n}.pid" "taskmanager-${n}" "$dir" \
    ${jvm} ${JVM_OPTS} ${JAVA17_OPTS} \
    -Dlog.file="${dir}/log/taskmanager-${n}.log" -Dlog4j.configurationFile="file:${dir}/conf/log4j.properties" \
    -cp "${LIBS_DIR}/*" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "${dir}/conf" ${dyn}
}

# Number of TaskManagers registered with the JobManager on REST port $1.
registered_taskmanagers() {
  curl -fsS --max-time 2 "http://${HOST}:$1/taskmanagers" 2>/dev/null | grep -o "\"id\":" | wc -l || true
}

fail_start() {
  local dir="$1" msg="$2" f
  log "$msg"
  for f in "${dir}"/log/*.out "${dir}"/log/*.log; do
    [[ -s "$f" ]] || continue
    log "---- tail ${f} ----"; grep -E 'ERROR|Exception|Caused by' "$f" | tail -n 15 >&2 || true
  done
  cmd_stop --dir "$dir" || true
  exit 1
}

cmd_start() {
  local dir="" tms=1 slots=2 rest="" rpc=""
  local -a sets=()
  while (($#)); do
    case "$1" in
      --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
      --taskmanagers) tms="${2:?--taskmanagers needs a value}"; shift 2 ;;
      --slots) slots="${2:?--slots needs a value}"; shift 2 ;;
      --rest-port) rest="${2:?--rest-port needs a value}"; shift 2 ;;
      --rpc-port) rpc="${2:?--rpc-port needs a value}"; shift 2 ;;
      --set) [[ "${2:-}" == *=* ]] || die "--set needs KEY=VALUE"; sets+=("$2"); shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) die "start: unknown option '$1' (see --help)" ;;
    esac
  done
  check_number --taskmanagers "$tms"
  check_number --slots "$slots"
  [[ -n "$rest" ]] || rest="$(free_port)"
  [[ -n "$rpc" ]] || { rpc="$(free_port)"; while [[ "$rpc" == "$rest" ]]; do rpc="$(free_port)"; done; }
  check_number --rest-port "$rest"
  check_number --rpc-port "$rpc"
  port_in_use "$rest" && die "REST port ${HOST}:${rest} is already in use (pick another with --rest-port)"
  port_in_use "$rpc" && die "RPC port ${HOST}:${rpc} is already in use (pick another with --rpc-port)"
  if [[ -z "$dir" ]]; then
    mkdir -p "${TMPDIR:-/tmp}"
    dir="$(mktemp -d "${TMPDIR:-/tmp}/keyflow-flink.XXXXXX")"
  fi
  dir="$(abs_path "$dir")"
  local pidfile
  for pidfile in "${dir}"/pids/*.pid; do
    [[ -f "$pidfile" ]] || continue
    if pid_of_cluster "$(tr -dc '0-9' <"$pidfile")" "$dir"; then
      die "a cluster from ${dir} already runs; stop it first: $0 stop --dir ${dir}"
    fi
    rm -f "$pidfile"
  done
  rm -f "${dir}"/log/*

  cmd_install
  local t0=$SECONDS
  write_conf "$dir" "$rest" "$rpc" "$slots" ${sets[@]+"${sets[@]}"}
  jm_params "$dir"
  tm_params "$dir"

  log "starting JobManager (REST http://${HOST}:${rest}, RPC ${rpc}), dir ${dir}"
  local jm jvm dyn
  jvm="$(sed -n 1p "${dir}/conf/jm-params")"
  dyn="$(sed -n 2p "${dir}/conf/jm-params")"
  # shellcheck disable=SC2086
  jm="$(launch "${dir}/pids/jobmanager.pid" jobmanager "$dir" \
    ${jvm} ${JVM_OPTS} ${JAVA17_OPTS} \
    -Dlog.file="${dir}/log/jobmanager.log" -Dlog4j.configurationFile="file:${dir}/conf/log4j.properties" \
    -cp "${LIBS_DIR}/*" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "${dir}/conf" --executionMode cluster ${dyn})"

  local i
  for ((i = 1; i <= tms; i++)); do
    log "starting TaskManager ${i} of ${tms} (pid $(start_taskmanager "$dir"))"
  done

  local deadline=$((SECONDS + START_TIMEOUT)) have=0
  while :; do
    kill -0 "$jm" 2>/dev/null || fail_start "$dir" "JobManager (pid ${jm}) exited during startup"
    if rest_answers "$rest" >/dev/null; then
      have="$(registered_taskmanagers "$rest")"
      ((have >= tms)) && break
    fi
    ((SECONDS < deadline)) || fail_start "$dir" "cluster not ready within ${START_TIMEOUT}s (${have} of ${tms} TaskManagers registered)"
    sleep 0.5
  done
  log "cluster ready in $((SECONDS - t0)) s: ${tms} TaskManager(s) x ${slots} slot(s); logs in ${dir}/log"
  printf 'FLINK_REST=http://%s:%s FLINK_DIR=%s FLINK_JM_PID=%s\n' "$HOST" "$rest" "$dir" "$jm"
}

cmd_start_taskmanager() {
  local dir=""
  while (($#)); do
    case "$1" in
      --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
      *) die "start-taskmanager: unknown option '$1'" ;;
    esac
  done
  [[ -n "$dir" && -f "${dir}/conf/tm-params" ]] || die "start-taskmanager needs the --dir of a started cluster"
  dir="$(abs_path "$dir")"
  printf 'FLINK_TM_PID=%s\n' "$(start_taskmanager "$dir")"
}

# ------------------------------------------------------------ stop/status --

stop_pids() {
  local dir="$1"; shift
  local -a pids=() pidfile
  local pid
  for pidfile in "$@"; do
    [[ -f "$pidfile" ]] || continue
    pid="$(tr -dc '0-9' <"$pidfile")"
    if pid_of_cluster "$pid" "$dir"; then pids+=("$pid"); kill -TERM "$pid" 2>/dev/null || true; fi
    rm -f "$pidfile"
  done
  ((${#pids[@]})) || return 0
  local deadline=$((SECONDS + STOP_TIMEOUT))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid ${pid} still running after ${STOP_TIMEOUT}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

cmd_stop() {
  local dir=""
  while (($#)); do
    case "$1" in
      --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
      *) die "stop: unknown option '$1'" ;;
    esac
  done
  [[ -n "$dir" ]] || die "stop needs --dir"
  [[ -d "$dir" ]] || { log "no cluster folder ${dir}: nothing to stop"; return 0; }
  dir="$(cd "$dir" && pwd -P)"
  stop_pids "$dir" "${dir}"/pids/taskmanager-*.pid
  stop_pids "$dir" "${dir}/pids/jobmanager.pid"
  log "stopped the cluster of ${dir}"
}

cmd_status() {
  local dir=""
  while (($#)); do
    case "$1" in
      --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
      *) die "status: unknown option '$1'" ;;
    esac
  done
  [[ -n "$dir" && -d "$dir" ]] || { echo "not running (no cluster folder)"; return 3; }
  dir="$(cd "$dir" && pwd -P)"
  local pidfile pid running=3
  for pidfile in "${dir}"/pids/*.pid; do
    [[ -f "$pidfile" ]] || continue
    pid="$(tr -dc '0-9' <"$pidfile")"
    if pid_of_cluster "$pid" "$dir"; then
      echo "$(basename "$pidfile" .pid): pid ${pid}"
      [[ "$pidfile" == */jobmanager.pid ]] && running=0
    fi
  done
  if ((running == 0)); then echo "FLINK_REST=http://${HOST}:$(conf_value rest.port "$dir") FLINK_DIR=${dir}"; else echo "not running (FLINK_DIR=${dir})"; fi
  return "$running"
}

main() {
  local cmd="${1:-}"
  (($#)) && shift
  case "$cmd" in
    install) cmd_install "$@" ;;
    start) cmd_start "$@" ;;
    start-taskmanager) cmd_start_taskmanager "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    crd) cmd_crd ;;
    job-jar) is_installed || cmd_install; printf 'FLINK_JOB_JAR=%s\n' "$JOB_JAR" ;;
    classpath) printf '%s\n' "${LIBS_DIR}/*" ;;
    -h|--help|help) usage ;;
    "") usage >&2; exit 2 ;;
    *) die "unknown command '$cmd' (see --help)" ;;
  esac
}

main "$@"
