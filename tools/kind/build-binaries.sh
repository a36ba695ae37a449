#!/usr/bin/env bash
# Builds Kubernetes, etcd, CoreDNS, kind and pause from the Go module proxy into ${CACHE}/bin.
# Each binary is skipped when it already exists.
source "$(dirname "$0")/lib.sh"

GO_WORK="${CACHE}/go/work"
mkdir -p "${GO_WORK}"

k8s_ldflags() {
  local pkg flags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=34"
    flags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=2026-01-01T00:00:00Z"
  done
  echo "${flags}"
}

# k8s.io/kubernetes cannot be `go install`ed: its go.mod replaces the staging modules with
# local folders. A wrapper module requires it and replaces each staging module by its release.
build_kubernetes() {
  local cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl kubeadm)
  local missing=0 c
  for c in "${cmds[@]}"; do [[ -x "${BIN}/${c}" ]] || missing=1; done
  if [[ "${missing}" == 0 ]]; then log "kubernetes ${K8S_VERSION}: binaries present"; return; fi
  local dir="${GO_WORK}/kubernetes"
  mkdir -p "${dir}"
  if [[ ! -f "${dir}/go.sum" ]]; then
    log "kubernetes ${K8S_VERSION}: resolving modules"
    local upstream
    upstream="$(go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
    [[ -f "${upstream}" ]] || die "KF_KIND_GO_MOD: could not download the go.mod of k8s.io/kubernetes@${K8S_VERSION}"
    {
      echo "module keyflow.local/kind-kubernetes"
      echo
      echo "go 1.24.0"
      echo
      echo "require k8s.io/kubernetes ${K8S_VERSION}"
      echo
      grep -E '^[[:space:]]*k8s\.io/[^ ]+ => \./staging/' "${upstream}" |
        awk -v v="${K8S_STAGING_VERSION}" '{ print "replace " $1 " => " $1 " " v }'
    } > "${dir}/go.mod"
    {
      echo "//go:build tools"
      echo
      echo "package tools"
      echo
      echo "import ("
      for c in "${cmds[@]}"; do echo "	_ \"k8s.io/kubernetes/cmd/${c}\""; done
      echo ")"
    } > "${dir}/tools.go"
    (cd "${dir}" && go mod tidy) || die "KF_KIND_GO_MOD: go mod tidy failed for the Kubernetes wrapper in ${dir}"
  fi
  log "kubernetes ${K8S_VERSION}: building ${cmds[*]} (cold ≈ 13 min on 2 cores)"
  local pkgs=()
  for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/${c}"); done
  (cd "${dir}" && heavy go build -trimpath -ldflags "$(k8s_ldflags)" -o "${BIN}/" "${pkgs[@]}")
  log "kubernetes ${K8S_VERSION}: built"
}

# etcd's server module also replaces its siblings with local folders; same wrapper trick.
build_etcd() {
  if [[ -x "${BIN}/etcd" ]]; then log "etcd ${ETCD_VERSION}: present"; return; fi
  local dir="${GO_WORK}/etcd"
  mkdir -p "${dir}"
  if [[ ! -f "${dir}/go.sum" ]]; then
    printf 'module keyflow.local/kind-etcd\n\ngo 1.24.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "${ETCD_VERSION}" > "${dir}/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > "${dir}/tools.go"
    (cd "${dir}" && go mod tidy) || die "KF_KIND_GO_MOD: go mod tidy failed for the etcd wrapper in ${dir}"
  fi
  log "etcd ${ETCD_VERSION}: building"
  (cd "${dir}" && heavy go build -trimpath -ldflags "-s -w" -o "${BIN}/etcd" go.etcd.io/etcd/server/v3)
}

build_installable() {
  local name="$1" module="$2"
  if [[ -x "${BIN}/${name}" ]]; then log "${name}: present"; return; fi
  log "${name}: building ${module}"
  GOBIN="${BIN}" heavy go install -trimpath -ldflags "-s -w" "${module}"
}

# The pause container only has to sleep, reap children and exit on a signal.
build_pause() {
  if [[ -x "${BIN}/pause" ]]; then log "pause: present"; return; fi
  log "pause: building"
  (cd "${KIND_DIR}/pause" && go build -trimpath -ldflags "-s -w" -o "${BIN}/pause" .)
}

build_pause
build_installable kind "sigs.k8s.io/kind@${KIND_VERSION}"
build_installable coredns "github.com/coredns/coredns@${COREDNS_VERSION}"
build_etcd
build_kubernetes
log "binaries ready in ${BIN}"
