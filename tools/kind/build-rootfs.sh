#!/usr/bin/env bash
# Debootstraps the Debian rootfs of the kind node (systemd, containerd, runc, CNI plugins,
# iptables) into ${CACHE}/rootfs/kind-node. Skipped when it exists.
source "$(dirname "$0")/lib.sh"

ROOTFS="${CACHE}/rootfs/kind-node"
NODE_PACKAGES=(
  systemd systemd-sysv dbus iproute2 iptables nftables conntrack ethtool socat kmod
  containerd runc containernetworking-plugins fuse-overlayfs ca-certificates
  util-linux mount procps libseccomp2 bash
)

if [[ -f "${ROOTFS}.done" ]]; then log "rootfs: present"; exit 0; fi
require_root
MIRROR="$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
[[ -n "${MIRROR}" ]] || MIRROR="$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
[[ -n "${MIRROR}" ]] || die "KF_KIND_MIRROR: no Debian mirror found in /etc/apt/sources.list*; the node rootfs comes from the machine's own mirror."
rm -rf "${ROOTFS}"
mkdir -p "$(dirname "${ROOTFS}")"
log "rootfs: debootstrap ${DEBIAN_SUITE} from ${MIRROR} (≈3 min)"
heavy debootstrap --variant=minbase --include="$(IFS=,; echo "${NODE_PACKAGES[*]}")" \
  "${DEBIAN_SUITE}" "${ROOTFS}" "${MIRROR}" > "${CACHE}/logs/debootstrap.log" 2>&1 ||
  die "KF_KIND_DEBOOTSTRAP: debootstrap failed, see ${CACHE}/logs/debootstrap.log"
rm -rf "${ROOTFS}/var/cache/apt/archives/"*.deb "${ROOTFS}/var/lib/apt/lists/"*
touch "${ROOTFS}.done"
log "rootfs: ready"
