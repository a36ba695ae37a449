#!/usr/bin/env bash
# Builds images with the project's own Dockerfiles: the ones the
# generated manifests name (docker/images.json), and Kafka, s3rver and kinesalite for a test
# cluster. BuildKit's cache makes a rebuild of unchanged sources take seconds.
source "$(dirname "$0")/lib.sh"

build() {
  local tag="$1" dockerfile="$2" context="$3"
  log "image ${tag}: building ${dockerfile}"
  DOCKER_BUILDKIT=1 heavy docker build --network none -f "${dockerfile}" -t "${tag}" "${context}" \
    > "${CACHE}/logs/build-$(echo "${tag}" | tr '/:' '__').log" 2>&1 ||
    die "KF_KIND_IMAGE_BUILD: ${tag} did not build; see ${CACHE}/logs/build-$(echo "${tag}" | tr '/:' '__').log"
}

cd "${REPO_ROOT}"
[[ -d node_modules ]] || die "KF_KIND_NO_NODE_MODULES: run npm ci first; the images are built from the workspace."
node -e 'for (const { image, dockerfile } of require("./docker/images.json").images) console.log(image, dockerfile)' |
  while read -r image dockerfile; do build "${image}" "${dockerfile}" .; done
build keyflow-kind/s3rver:latest tools/kind/images/s3rver/Dockerfile .
build keyflow-kind/kinesalite:latest tools/kind/images/kinesalite/Dockerfile .

# Kafka: the jars tools/kafka/kafka.sh resolves from Maven Central (cached in ~/.cache/keyflow).
tools/kafka/kafka.sh install > "${CACHE}/logs/kafka-install.log" 2>&1 ||
  die "KF_KIND_KAFKA_JARS: tools/kafka/kafka.sh install failed; see ${CACHE}/logs/kafka-install.log"
kafka_libs="$(dirname "$(tools/kafka/kafka.sh classpath | tr ':' '\n' | head -n1)")"
[[ -d "${kafka_libs}" ]] || die "KF_KIND_KAFKA_JARS: no Kafka jars in ${kafka_libs}"
ctx="${CACHE}/kafka-context"
rm -rf "${ctx}" && mkdir -p "${ctx}"
cp -r "${kafka_libs}" "${ctx}/libs"
cp tools/kind/images/kafka/Dockerfile tools/kind/images/kafka/log4j.properties "${ctx}/"
build keyflow-kind/kafka:latest "${ctx}/Dockerfile" "${ctx}"
# Unreferenced layers of earlier builds.
docker image prune -f > /dev/null
