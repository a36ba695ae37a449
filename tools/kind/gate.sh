#!/usr/bin/env bash
# The kind release gate (`npx nx e2e e2e-kind`): prepares the machine, builds the images,
# creates a throwaway kind cluster, runs e2e-kind's tests against it, and always tears down
# the cluster, dockerd and the iptables rules it added. The caches stay for the next run.
# Needs root on a Debian-like machine.
KF_START_SECONDS="$(date +%s)"
export KF_START_SECONDS
source "$(dirname "$0")/lib.sh"
require_root

teardown() {
  local status=$?
  set +e
  log "teardown: cluster, dockerd, network rules"
  "${KIND_DIR}/cluster.sh" down
  "${KIND_DIR}/dockerd.sh" stop
  log "gate finished with status ${status} in $(( $(date +%s) - KF_START_SECONDS )) s"
  exit "${status}"
}
trap teardown EXIT
trap 'exit 130' INT TERM

log "step 1/4: machine (packages, Kubernetes from source, node rootfs, dockerd, base images, node image)"
"${KIND_DIR}/install-packages.sh"
# The two long cold builds run side by side; each skips itself when its output exists.
"${KIND_DIR}/build-rootfs.sh" &
rootfs_pid=$!
"${KIND_DIR}/build-binaries.sh"
wait "${rootfs_pid}" || die "KF_KIND_ROOTFS: the node rootfs did not build"
"${KIND_DIR}/dockerd.sh" start
"${KIND_DIR}/build-base-images.sh"
"${KIND_DIR}/build-node-image.sh"

log "step 2/4: project images"
"${KIND_DIR}/build-images.sh"

log "step 3/4: cluster"
"${KIND_DIR}/cluster.sh" up

log "step 4/4: tests"
cd "${REPO_ROOT}"
KUBECONFIG="${RUN_DIR}/kubeconfig" KEYFLOW_KIND_BIN="${BIN}" \
  node node_modules/jest/bin/jest.js -c e2e-kind/jest.config.cjs --runInBand
