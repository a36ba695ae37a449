#!/usr/bin/env bash
# Makes the base images no registry can give us here, from what the machine has:
#   node:20-bookworm-slim   the host's node binary and the libraries it links (the name the
#                           Dockerfiles' FROM uses, so they build unchanged)
#   keyflow-kind/java:17    the host's Java 17 runtime and its libraries (for Kafka)
# Needs tools/kind/dockerd.sh's dockerd running. Each image is skipped when it exists.
source "$(dirname "$0")/lib.sh"

NODE_BASE="node:20-bookworm-slim"
JAVA_BASE="keyflow-kind/java:17"

image_exists() { docker image inspect "$1" > /dev/null 2>&1; }

# Copies the shared libraries the given ELF files link (as ldd resolves them on this host).
copy_libraries() {
  local tree="$1"; shift
  local lib
  for lib in $(ldd "$@" 2>/dev/null | awk '/=> \// { print $3 } /^[[:space:]]*\/lib/ { print $1 }' | sort -u); do
    mkdir -p "${tree}$(dirname "${lib}")"
    cp -L "${lib}" "${tree}${lib}"
  done
}

# The few files every image needs: root's passwd entry, /tmp, and the loader.
base_tree() {
  local tree="$1"
  rm -rf "${tree}"
  mkdir -p "${tree}/etc" "${tree}/tmp" "${tree}/lib64" "${tree}/usr/bin" "${tree}/usr/local/bin"
  chmod 1777 "${tree}/tmp"
  echo 'root:x:0:0:root:/root:/usr/sbin/nologin' > "${tree}/etc/passwd"
  echo 'root:x:0:' > "${tree}/etc/group"
  echo 'hosts: files dns' > "${tree}/etc/nsswitch.conf"
  ln -s usr/bin "${tree}/bin"
}

import_tree() {
  local tree="$1" tag="$2"; shift 2
  tar -C "${tree}" -c . | docker import "$@" - "${tag}" > /dev/null
  log "image ${tag}: $(docker image inspect -f '{{.Size}}' "${tag}" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
}

build_node_base() {
  if image_exists "${NODE_BASE}"; then log "image ${NODE_BASE}: present"; return; fi
  local node tree="${CACHE}/trees/node"
  node="$(readlink -f "$(command -v node)")"
  [[ "$("${node}" -p 'process.versions.node.split(".")[0]')" == 20 ]] ||
    log "warning: host node is $("${node}" --version), the image is named ${NODE_BASE}"
  base_tree "${tree}"
  cp "${node}" "${tree}/usr/bin/node"
  copy_libraries "${tree}" "${node}"
  # Native addons (rocksdb) link the C++ runtime too; node does already on Debian.
  import_tree "${tree}" "${NODE_BASE}" --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'CMD ["node"]'
}

build_java_base() {
  if image_exists "${JAVA_BASE}"; then log "image ${JAVA_BASE}: present"; return; fi
  local java_home tree="${CACHE}/trees/java"
  java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  [[ -x "${java_home}/bin/java" ]] || die "KF_KIND_NO_JAVA: no Java runtime found (install openjdk-17-jre-headless)."
  base_tree "${tree}"
  mkdir -p "${tree}/opt/java"
  # -L: Debian links parts of the JDK (conf, security) from /etc.
  (cd "${java_home}" && tar -ch --exclude=src.zip --exclude=jmods --exclude=demo --exclude=man bin conf lib release 2>/dev/null) |
    tar -C "${tree}/opt/java" -x
  copy_libraries "${tree}" $(find "${tree}/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \))
  import_tree "${tree}" "${JAVA_BASE}" \
    --change 'ENV JAVA_HOME=/opt/java' --change 'ENV PATH=/opt/java/bin:/usr/bin:/bin' --change 'CMD ["java", "-version"]'
}

build_node_base
build_java_base
