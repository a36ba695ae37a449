#!/usr/bin/env bash
# Creates (`up`) or deletes (`down`) the gate's kind cluster on the gate's dockerd, on a Docker
# network of its own, and loads the images. The kubeconfig goes to ${RUN_DIR}/kubeconfig.
source "$(dirname "$0")/lib.sh"

NETWORK="keyflow-kind"
KUBECONFIG_FILE="${RUN_DIR}/kubeconfig"
export KUBECONFIG="${KUBECONFIG_FILE}"
export KIND_EXPERIMENTAL_DOCKER_NETWORK="${NETWORK}"
IMAGES=(keyflow/runtime:latest examples-functions:latest keyflow-kind/kafka:latest keyflow-kind/s3rver:latest keyflow-kind/kinesalite:latest)

up() {
  if kind get clusters 2>/dev/null | grep -qx "${CLUSTER_NAME}"; then
    log "cluster: deleting a leftover ${CLUSTER_NAME}"
    kind delete cluster --name "${CLUSTER_NAME}" > /dev/null 2>&1 || true
  fi
  docker network inspect "${NETWORK}" > /dev/null 2>&1 || docker network create "${NETWORK}" > /dev/null
  log "cluster: creating ${CLUSTER_NAME} from ${NODE_IMAGE}"
  kind create cluster --name "${CLUSTER_NAME}" --image "${NODE_IMAGE}" --config "${KIND_DIR}/cluster.yaml" \
    --kubeconfig "${KUBECONFIG_FILE}" --wait 0s > "${CACHE}/logs/kind-create.log" 2>&1 ||
    die "KF_KIND_CREATE: kind create cluster failed; see ${CACHE}/logs/kind-create.log"
  local node="${CLUSTER_NAME}-control-plane"
  # Pod-to-pod and pod-to-Service traffic crosses the node's FORWARD chain.
  docker exec "${node}" iptables -I FORWARD -s 10.244.0.0/16 -j ACCEPT
  docker exec "${node}" iptables -I FORWARD -d 10.244.0.0/16 -j ACCEPT
  kubectl wait --for=condition=Ready node --all --timeout=180s > /dev/null ||
    die "KF_KIND_NODE_NOT_READY: the node did not become Ready; kubectl describe node shows why"
  # One CoreDNS replica is plenty on one node and leaves CPU for the workload.
  kubectl -n kube-system scale deployment coredns --replicas=1 > /dev/null
  kubectl apply -f "${KIND_DIR}/manifests/volumes.yaml" > /dev/null
  log "cluster: loading images ${IMAGES[*]}"
  # What `kind load docker-image` does, without its crictl check (the node has no crictl).
  docker save "${IMAGES[@]}" |
    docker exec -i "${node}" ctr -n k8s.io images import --all-platforms --digests --snapshotter overlayfs - > "${CACHE}/logs/kind-load.log" 2>&1 ||
    die "KF_KIND_LOAD: loading the images into the node failed; see ${CACHE}/logs/kind-load.log"
  log "cluster: ready (KUBECONFIG=${KUBECONFIG_FILE})"
}

down() {
  if docker version > /dev/null 2>&1; then
    if kind get clusters 2>/dev/null | grep -qx "${CLUSTER_NAME}"; then
      log "cluster: deleting ${CLUSTER_NAME}"
      kind delete cluster --name "${CLUSTER_NAME}" > /dev/null 2>&1 || true
    fi
    docker network rm "${NETWORK}" > /dev/null 2>&1 || true
  fi
  rm -f "${KUBECONFIG_FILE}"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "Usage: $0 up|down" >&2; exit 2 ;;
esac
