# Shared settings and helpers of the tools/kind scripts (sourced, not run).
# Everything built here lives in a cache outside the repository so a second run skips it.

set -euo pipefail

KIND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${KIND_DIR}/../.." && pwd)"
CACHE="${KEYFLOW_KIND_CACHE:-/var/cache/keyflow/kind}"
BIN="${CACHE}/bin"
RUN_DIR="${CACHE}/run"

K8S_VERSION="v1.34.4"
K8S_STAGING_VERSION="v0.34.4"
ETCD_VERSION="v3.6.5"
ETCD_IMAGE_TAG="3.6.5-0"
COREDNS_VERSION="v1.12.1"
KIND_VERSION="v0.30.0"
PAUSE_TAG="3.10.1"
DEBIAN_SUITE="bookworm"

# The node image's tag changes with what it is built from, so a changed node file rebuilds it.
NODE_IMAGE="keyflow/kind-node:${K8S_VERSION}-$(cat "${KIND_DIR}/build-node-image.sh" $(find "${KIND_DIR}/node" -type f | sort) | sha256sum | cut -c1-12)"
CLUSTER_NAME="${KEYFLOW_KIND_CLUSTER:-keyflow-gate}"
DOCKER_DATA_ROOT="${CACHE}/docker"
DOCKER_SOCK="${RUN_DIR}/docker.sock"
export DOCKER_HOST="unix://${DOCKER_SOCK}"
export PATH="${BIN}:${PATH}"

# Go builds (the runc wrapper) keep their module and build caches with the rest of the cache.
export GOMODCACHE="${CACHE}/go/mod"
export GOCACHE="${CACHE}/go/build"
export GOFLAGS="-buildvcs=false"
export CGO_ENABLED=0

KF_START_SECONDS="${KF_START_SECONDS:-$(date +%s)}"
export KF_START_SECONDS

# Prints "[kind 3m12s] <message>" so long runs show where they are.
log() {
  local elapsed=$(( $(date +%s) - KF_START_SECONDS ))
  printf '[kind %dm%02ds] %s\n' $((elapsed / 60)) $((elapsed % 60)) "$*" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

# Runs heavy work at low priority so other processes on the machine keep running.
heavy() {
  nice -n 10 "$@"
}

require_root() {
  [[ "$(id -u)" == 0 ]] || die "KF_KIND_NOT_ROOT: tools/kind installs packages and runs its own dockerd; run it as root."
}

mkdir -p "${CACHE}" "${BIN}" "${RUN_DIR}" "${CACHE}/logs"
