#!/usr/bin/env bash
# Installs the Debian packages tools/kind needs on the host (docker.io brings containerd and
# runc; debootstrap makes the kind node's rootfs; iptables lets dockerd set up its networks).
source "$(dirname "$0")/lib.sh"

PACKAGES=(docker.io containerd runc debootstrap iptables)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "${p}" 2>/dev/null | grep -q 'install ok installed' || missing+=("${p}")
done
if [[ ${#missing[@]} == 0 ]]; then
  log "packages: present (${PACKAGES[*]})"
  exit 0
fi
require_root
command -v apt-get >/dev/null || die "KF_KIND_NOT_DEBIAN: tools/kind needs a Debian-like machine with apt-get to install ${missing[*]}."
log "packages: installing ${missing[*]}"
# No init system starts services here; tools/kind/dockerd.sh starts dockerd itself. policy-rc.d keeps the
# package scripts from trying.
created_policy=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup_policy() { [[ "${created_policy}" == 0 ]] || rm -f /usr/sbin/policy-rc.d; }
trap cleanup_policy EXIT
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" > "${CACHE}/apt.log" 2>&1; then
  apt-get update > "${CACHE}/apt-update.log" 2>&1 || die "KF_KIND_APT: apt-get update failed, see ${CACHE}/apt-update.log"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" > "${CACHE}/apt.log" 2>&1 ||
    die "KF_KIND_APT: installing ${missing[*]} failed, see ${CACHE}/apt.log"
fi
log "packages: installed"
