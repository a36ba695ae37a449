#!/bin/bash
# Runs once while the node image is built: what kind's base-image Dockerfile does, on Debian's
# packages, plus the changes a machine without CAP_SYS_RESOURCE needs.
set -euxo pipefail

chmod 0755 /usr/local/bin/entrypoint /usr/local/bin/clean-install /kind/bin/*.sh
find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete
rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \
  /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \
  /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >> /etc/systemd/journald.conf
[[ -e /sbin/init ]] || ln -s "$(command -v systemd)" /sbin/init

# kind's units expect containerd in /usr/local/bin; the CRI plugin looks for CNI plugins in /opt/cni/bin.
ln -sf /usr/bin/containerd /usr/local/bin/containerd
mkdir -p /opt/cni && rm -rf /opt/cni/bin && ln -s /usr/lib/cni /opt/cni/bin

# The kubelet sets oom_score_adj=-998 on pods, which needs CAP_SYS_RESOURCE: let containerd
# restrict it instead of failing. kubeadm 1.34 uses pause 3.10.1.
sed -i -e 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' \
  -e 's|sandbox_image = "registry.k8s.io/pause:3.10"|sandbox_image = "registry.k8s.io/pause:3.10.1"|' \
  /etc/containerd/config.toml
grep -q 'restrict_oom_score_adj = true' /etc/containerd/config.toml

systemctl enable kubelet.service containerd.service undo-mount-hacks.service
systemctl mask systemd-binfmt.service
mkdir -p /etc/kubernetes/manifests /var/local-pv
rm -f /kind/setup-node.sh
