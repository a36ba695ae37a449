#!/usr/bin/env bash
# Keyflow: install and build the interop workload's function services, written with the
# official StateFun 3.3 SDKs (e2e/interop-functions/), from their registries: PyPI (pip),
# the Go module proxy (go), Maven Central (mvn). Everything built lands under
# ${KEYFLOW_CACHE_DIR:-~/.cache/keyflow}/interop, keyed by the sources, so a second run
# does nothing.
#
#   tools/interop/interop.sh prepare [python|go|java|js]...   (default: all four)
#
# For each SDK it prints one line `<sdk> <command as a JSON array>`: the command that serves the
# workload, to be completed with `<namespace> <port>`. A missing toolchain stops it with an
# error that says what to install; nothing is skipped.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FUNCTIONS="${ROOT}/e2e/interop-functions"
CACHE="${KEYFLOW_CACHE_DIR:-${HOME}/.cache/keyflow}/interop"
PYTHON_REQUIREMENTS=("apache-flink-statefun==3.3.0" "protobuf==3.20.3" "aiohttp==3.14.5")

log() { printf '[interop] %s\n' "$*" >&2; }
die() { printf '[interop] error: %s\n' "$*" >&2; exit 1; }

require() {
  local tool="$1" what="$2"
  command -v "${tool}" >/dev/null 2>&1 || die "${tool} is not installed or not on PATH: ${what}"
}

sources_hash() {
  (cd "$1" && find . -type f ! -path './target/*' -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

# Runs "$@" holding a lock on $1 (the folder being built), so concurrent runs build once.
locked() {
  local dir="$1"
  shift
  mkdir -p "$(dirname "${dir}")"
  if command -v flock >/dev/null 2>&1; then
    flock "${dir}.lock" "$@"
  else
    "$@"
  fi
}

prepare_python() {
  require python3 "the Python SDK needs Python 3.8 or newer (Debian: apt-get install python3 python3-venv)"
  python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)' ||
    die "python3 is $(python3 --version 2>&1); the StateFun Python SDK needs 3.8 or newer"
  local venv="${CACHE}/python-venv"
  locked "${venv}" bash -c "$(declare -f log die); $(declare -p PYTHON_REQUIREMENTS); build_venv '${venv}'" >&2
  printf 'python ["%s","%s"]\n' "${venv}/bin/python" "${FUNCTIONS}/python/functions.py"
}

build_venv() {
  local venv="$1" stamp="$1/.keyflow-requirements"
  if [[ -f "${stamp}" && "$(cat "${stamp}")" == "${PYTHON_REQUIREMENTS[*]}" ]]; then return 0; fi
  log "creating ${venv} with ${PYTHON_REQUIREMENTS[*]} from PyPI"
  rm -rf "${venv}"
  python3 -m venv "${venv}" ||
    die "python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv)"
  "${venv}/bin/pip" install --quiet --disable-pip-version-check "${PYTHON_REQUIREMENTS[@]}" ||
    die "pip could not install ${PYTHON_REQUIREMENTS[*]} (is PyPI reachable?)"
  printf '%s' "${PYTHON_REQUIREMENTS[*]}" >"${stamp}"
}
export -f build_venv

prepare_go() {
  require go "the Go SDK needs Go 1.21 or newer (https://go.dev/dl/)"
  local out="${CACHE}/go/$(sources_hash "${FUNCTIONS}/go")"
  if [[ ! -x "${out}/interop-go" ]]; then
    log "building the Go functions with statefun-sdk-go v3.3.0 (module proxy: $(go env GOPROXY))"
    locked "${out}" bash -c "cd '${FUNCTIONS}/go' && mkdir -p '${out}' && go build -mod=readonly -o '${out}/interop-go.tmp' . && mv '${out}/interop-go.tmp' '${out}/interop-go'" >&2 ||
      die "go build failed in e2e/interop-functions/go (is the Go module proxy reachable?)"
  fi
  printf 'go ["%s"]\n' "${out}/interop-go"
}

prepare_java() {
  require java "the Java SDK needs a JDK 11 or newer (Debian: apt-get install openjdk-17-jdk-headless)"
  require mvn "the Java functions are built with Maven (Debian: apt-get install maven)"
  local out="${CACHE}/java/$(sources_hash "${FUNCTIONS}/java")"
  if [[ ! -f "${out}/.built" ]]; then
    log "building the Java functions with statefun-sdk-java 3.3.0 from Maven Central"
    locked "${out}" bash -c "[[ -f '${out}/.built' ]] || (mvn -q -B -f '${FUNCTIONS}/java/pom.xml' package -Dkeyflow.build.dir='${out}' && touch '${out}/.built')" >&2 ||
      die "mvn package failed in e2e/interop-functions/java (is Maven Central reachable?)"
  fi
  printf 'java ["java","-cp","%s","io.keyflow.interop.InteropFunctions"]\n' "${out}/interop-java-functions-1.0.0.jar:${out}/lib/*"
}

prepare_js() {
  [[ -d "${ROOT}/node_modules/apache-flink-statefun" ]] ||
    die "apache-flink-statefun is not installed: run npm ci at the repository root"
  printf 'js ["%s","%s"]\n' "$(command -v node)" "${FUNCTIONS}/js/functions.js"
}

main() {
  local command="${1:-}"
  [[ "${command}" == "prepare" ]] || { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; [[ "${command}" =~ ^(-h|--help)$ ]]; exit $?; }
  shift
  local sdks=("$@")
  [[ ${#sdks[@]} -gt 0 ]] || sdks=(python go java js)
  for sdk in "${sdks[@]}"; do
    case "${sdk}" in
      python | go | java | js) "prepare_${sdk}" ;;
      *) die "unknown SDK '${sdk}': expected python, go, java or js" ;;
    esac
  done
}

main "$@"
