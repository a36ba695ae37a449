#!/usr/bin/env bash
# Builds the kind node image ${NODE_IMAGE} offline: the Kubernetes component images (each one
# layer: a static binary, or the Debian rootfs for kube-proxy, which needs iptables), the node
# image itself (tools/kind/node/Dockerfile), and those images preloaded into the node's
# containerd. Needs the binaries, the rootfs and the gate's dockerd. Skipped when it exists.
source "$(dirname "$0")/lib.sh"

ROOTFS="${CACHE}/rootfs/kind-node"
WORK="${CACHE}/node-build"
KIND_BASE="${GOMODCACHE}/sigs.k8s.io/kind@${KIND_VERSION}/images/base/files"
ROOTFS_IMAGE="keyflow-kind/node-rootfs:bookworm"
STAGE_IMAGE="keyflow-kind/node-stage:${K8S_VERSION}"

image_exists() { docker image inspect "$1" > /dev/null 2>&1; }

if image_exists "${NODE_IMAGE}"; then log "node image ${NODE_IMAGE}: present"; exit 0; fi
[[ -f "${ROOTFS}.done" ]] || die "KF_KIND_NO_ROOTFS: run tools/kind/build-rootfs.sh first."
[[ -d "${KIND_BASE}" ]] || die "KF_KIND_NO_KIND_MODULE: ${KIND_BASE} is missing; run tools/kind/build-binaries.sh first."
for b in kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubeadm kubectl etcd coredns pause; do
  [[ -x "${BIN}/${b}" ]] || die "KF_KIND_NO_BINARY: ${BIN}/${b} is missing; run tools/kind/build-binaries.sh first."
done
rm -rf "${WORK}"
mkdir -p "${WORK}/images" "${WORK}/trees"

# One image from a folder, one layer.
import_tree() {
  local tree="$1" tag="$2"; shift 2
  tar -C "${tree}" -c . | docker import "$@" - "${tag}" > /dev/null
}

static_image() {
  local tag="$1" binary="$2" target="$3"; shift 3
  local tree="${WORK}/trees/$(basename "${binary}")"
  mkdir -p "${tree}/tmp" "${tree}/etc" "$(dirname "${tree}${target}")"
  chmod 1777 "${tree}/tmp"
  echo 'root:x:0:0:root:/root:/sbin/nologin' > "${tree}/etc/passwd"
  cp "${BIN}/${binary}" "${tree}${target}"
  import_tree "${tree}" "${tag}" --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' "$@"
}

log "node image: component images"
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  static_image "registry.k8s.io/${c}:${K8S_VERSION}" "${c}" "/usr/local/bin/${c}"
done
static_image "registry.k8s.io/etcd:${ETCD_IMAGE_TAG}" etcd /usr/local/bin/etcd
static_image "registry.k8s.io/coredns/coredns:${COREDNS_VERSION}" coredns /coredns --change 'ENTRYPOINT ["/coredns"]'
static_image "registry.k8s.io/pause:${PAUSE_TAG}" pause /pause --change 'ENTRYPOINT ["/pause"]'
# kube-proxy programs iptables: the Debian rootfs (hard links, no copy) plus the binary.
proxy_tree="${WORK}/trees/kube-proxy"
cp -al "${ROOTFS}" "${proxy_tree}"
rm -rf "${proxy_tree:?}/dev/"*
cp "${BIN}/kube-proxy" "${proxy_tree}/usr/local/bin/kube-proxy"
import_tree "${proxy_tree}" "registry.k8s.io/kube-proxy:${K8S_VERSION}" --change 'ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
components=(
  "registry.k8s.io/kube-apiserver:${K8S_VERSION}" "registry.k8s.io/kube-controller-manager:${K8S_VERSION}"
  "registry.k8s.io/kube-scheduler:${K8S_VERSION}" "registry.k8s.io/kube-proxy:${K8S_VERSION}"
  "registry.k8s.io/etcd:${ETCD_IMAGE_TAG}" "registry.k8s.io/coredns/coredns:${COREDNS_VERSION}"
  "registry.k8s.io/pause:${PAUSE_TAG}"
)
docker save -o "${WORK}/images/components.tar" "${components[@]}"

if ! image_exists "${ROOTFS_IMAGE}"; then
  log "node image: importing the rootfs"
  tar -C "${ROOTFS}" --exclude='./dev/*' -c . | docker import - "${ROOTFS_IMAGE}" > /dev/null
fi

log "node image: assembling the build context"
ctx="${WORK}/context"
mkdir -p "${ctx}/bin" "${ctx}/overlay/etc/containerd" "${ctx}/overlay/kind"
cp -r "${KIND_BASE}" "${ctx}/kind-base"
rm -rf "${ctx}/kind-base/LICENSES"
chmod -R u+w "${ctx}/kind-base"
cp -r "${KIND_DIR}/node/overlay/." "${ctx}/overlay/"
cp "${KIND_DIR}/node/Dockerfile" "${ctx}/Dockerfile"
cp "${BIN}/kubelet" "${BIN}/kubeadm" "${BIN}/kubectl" "${ctx}/bin/"
echo "${K8S_VERSION}" > "${ctx}/overlay/kind/version"
# containerd's default spec without process.rlimits (raising them needs CAP_SYS_RESOURCE).
ctr oci spec | python3 -c 'import json, sys; spec = json.load(sys.stdin); spec["process"].pop("rlimits", None); json.dump(spec, sys.stdout, indent=2)' \
  > "${ctx}/overlay/etc/containerd/cri-base.json"
DOCKER_BUILDKIT=1 docker build --network none -t "${STAGE_IMAGE}" "${ctx}" > "${CACHE}/logs/node-image-build.log" 2>&1 ||
  die "KF_KIND_NODE_BUILD: the node image did not build; see ${CACHE}/logs/node-image-build.log"

log "node image: preloading the component images into containerd"
store="${WORK}/containerd"
mkdir -p "${store}"
docker rm -f keyflow-node-preload > /dev/null 2>&1 || true
docker run -d --name keyflow-node-preload --privileged --network none \
  -v "${store}:/var/lib/containerd" -v "${WORK}/images:/images:ro" \
  --entrypoint /usr/bin/containerd "${STAGE_IMAGE}" > /dev/null
for i in $(seq 1 30); do docker exec keyflow-node-preload ctr version > /dev/null 2>&1 && break; sleep 1; done
docker exec keyflow-node-preload ctr -n k8s.io images import --all-platforms --snapshotter overlayfs /images/components.tar > "${CACHE}/logs/node-preload.log" 2>&1 ||
  { docker logs keyflow-node-preload >> "${CACHE}/logs/node-preload.log" 2>&1; docker rm -f keyflow-node-preload > /dev/null;
    die "KF_KIND_NODE_PRELOAD: importing the component images failed; see ${CACHE}/logs/node-preload.log"; }
docker exec keyflow-node-preload ctr -n k8s.io images ls -q >> "${CACHE}/logs/node-preload.log"
docker rm -f keyflow-node-preload > /dev/null

log "node image: committing ${NODE_IMAGE}"
docker rm -f keyflow-node-commit > /dev/null 2>&1 || true
docker create --name keyflow-node-commit "${STAGE_IMAGE}" > /dev/null
docker cp -a "${store}/." keyflow-node-commit:/var/lib/containerd/
docker commit keyflow-node-commit "${NODE_IMAGE}" > /dev/null
docker rm -f keyflow-node-commit > /dev/null
docker rmi "${STAGE_IMAGE}" > /dev/null
rm -rf "${WORK}"
log "node image: ${NODE_IMAGE} ready"
