#!/usr/bin/env bash
# Builds, on a machine without a container registry, the images the generated Kubernetes
# manifests name (docker/images.json) plus Kafka, s3rver and kinesalite, with the project's
# own Dockerfiles, and runs each project image once. Installs docker.io if needed, starts its
# own dockerd and stops it (and restores the iptables rules) at the end, even on failure.
# Needs root on a Debian-like machine; the images stay in ${CACHE}/docker for the next run.
KF_START_SECONDS="$(date +%s)"
export KF_START_SECONDS
source "$(dirname "$0")/lib.sh"
require_root

stop_docker() {
  local status=$?
  set +e
  "${KIND_DIR}/dockerd.sh" stop
  log "finished with status ${status} in $(( $(date +%s) - KF_START_SECONDS )) s"
  exit "${status}"
}
trap stop_docker EXIT
trap 'exit 130' INT TERM

log "step 1/3: packages and dockerd"
"${KIND_DIR}/install-packages.sh"
"${KIND_DIR}/dockerd.sh" start
log "step 2/3: base images and images"
"${KIND_DIR}/build-base-images.sh"
"${KIND_DIR}/build-images.sh"

log "step 3/3: running each project image once"
usage="$(docker run --rm --network none keyflow/runtime:latest --help)"
grep -q 'keyflow run' <<< "${usage}" || die "KF_KIND_IMAGE_BROKEN: keyflow/runtime:latest --help did not print the keyflow usage"
docker rm -f keyflow-functions-smoke > /dev/null 2>&1 || true
docker run -d --name keyflow-functions-smoke --network none examples-functions:latest > /dev/null
for i in $(seq 1 30); do
  docker logs keyflow-functions-smoke 2>&1 | grep -q "serving StateFun's protocol" && break
  sleep 1
done
serving="$(docker logs keyflow-functions-smoke 2>&1 | grep "serving StateFun's protocol" || true)"
docker rm -f keyflow-functions-smoke > /dev/null
[[ -n "${serving}" ]] || die "KF_KIND_IMAGE_BROKEN: examples-functions:latest did not start serving within 30 s"
log "images: $(docker images --format '{{.Repository}}:{{.Tag}} ({{.Size}})' | grep -v '<none>' | paste -sd ' ' -)"
