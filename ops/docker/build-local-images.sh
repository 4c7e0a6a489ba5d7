#!/usr/bin/env bash
# Builds chainplan's container images without any image registry, from Debian packages and the
# project's own jar only:
#
#   chainplan/base:local             Debian minbase (debootstrap) + openjdk-17-jre-headless + curl
#   chainplan:local                  the chainplan command (cli/target/chainplan.jar), ops/docker/local.Dockerfile
#   chainplan/kafka:local            Kafka's own KRaft server (kafka.Kafka from the Kafka classes in the
#                                    chainplan jar) and Kafka's topic tools; drop-in for apache/kafka
#   chainplan/schema-registry:local  `chainplan schema-registry`; drop-in for confluentinc/cp-schema-registry
#
# docker-compose.local.yml and the Docker ITs (local/loop) use them. Idempotent: the base image is
# rebuilt only when its inputs change; the others are layers on top that Docker caches. Starts
# dockerd if no engine answers (as root). Builds the jar first if cli/target/chainplan.jar is missing.
#
# Usage: ops/docker/build-local-images.sh [--base-only]   (root for debootstrap, once per machine)
#        --base-only: only the engine and chainplan/base:local (needs no jar; .ci/run runs it
#                     while Maven builds the jar)
# Environment: DEBIAN_SUITE (default bookworm), DEBIAN_MIRROR (default http://deb.debian.org/debian),
#              DOCKERD_LOG (default /var/log/chainplan-dockerd.log).
set -euo pipefail
cd "$(dirname "$0")/../.."

suite="${DEBIAN_SUITE:-bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
packages="openjdk-17-jre-headless,curl"
base=chainplan/base:local
jar=cli/target/chainplan.jar
label=io.chainplan.built-by=build-local-images.sh
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml)"

scratch=()
trap 'rm -rf "${scratch[@]}"' EXIT
log() { printf '%s build-local-images: %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'build-local-images: %s\n' "$*" >&2; exit 1; }

# Starts dockerd in the background unless an engine already answers; waits up to 60 s for it.
ensure_engine() {
    docker info > /dev/null 2>&1 && return 0
    command -v dockerd > /dev/null || die "no Docker engine answers and dockerd is not installed (apt-get install docker.io)"
    [[ $(id -u) -eq 0 ]] || die "no Docker engine answers; start one (sudo dockerd &) or run this script as root"
    local out="${DOCKERD_LOG:-/var/log/chainplan-dockerd.log}"
    log "starting dockerd (log: $out)"
    setsid dockerd > "$out" 2>&1 < /dev/null &
    for _ in $(seq 1 60); do
        docker info > /dev/null 2>&1 && return 0
        sleep 1
    done
    die "dockerd did not come up in 60 s; see $out"
}

# A Debian root file system with Java, imported as an image; skipped when the same inputs built it.
build_base() {
    local inputs
    inputs="$(printf '%s %s %s v1' "$suite" "$mirror" "$packages" | sha256sum | cut -c1-16)"
    if [[ "$(docker image inspect -f '{{index .Config.Labels "io.chainplan.base.inputs"}}' "$base" 2>/dev/null)" == "$inputs" ]]; then
        log "$base is up to date"
        return 0
    fi
    command -v debootstrap > /dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
    [[ $(id -u) -eq 0 ]] || die "debootstrap needs root to build $base"
    local root
    root="$(mktemp -d /var/tmp/chainplan-base.XXXXXX)"
    scratch+=("$root")
    log "debootstrap $suite ($packages) from $mirror"
    debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" > "$root.log" 2>&1 \
        || { tail -20 "$root.log" >&2; die "debootstrap failed (log: $root.log)"; }
    rm -f "$root.log"
    # what an image does not need: package caches and lists, documentation, translations
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
        "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
    log "importing $base"
    tar -C "$root" -c . | docker import \
        --change "LABEL io.chainplan.base.inputs=$inputs $label" \
        --change "LABEL org.opencontainers.image.description=\"Debian $suite minbase with $packages (ops/docker/build-local-images.sh)\"" \
        --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' - "$base" > /dev/null
}

# Kafka's own command-line tools jar (TopicCommand, BrokerApiVersionsCommand) of the build's Kafka version,
# resolved by Maven like every other dependency; everything else it needs is in the chainplan jar.
kafka_tools() {
    local dir="$1"
    mvn -B -q -N dependency:copy -Dartifact="org.apache.kafka:kafka-tools:$kafka_version" -DoutputDirectory="$dir" \
        -Dmdep.stripVersion=true > "$dir/mvn.log" 2>&1 || { cat "$dir/mvn.log" >&2; die "cannot resolve kafka-tools $kafka_version"; }
    rm -f "$dir/mvn.log"
}

build() {
    local tag="$1" dockerfile="$2" context="$3"
    log "building $tag"
    docker build --label "$label" -t "$tag" -f "$dockerfile" "$context" > "$stage/build.log" 2>&1 \
        || { cat "$stage/build.log" >&2; die "docker build of $tag failed"; }
}

case "${1:-}" in
    "") base_only= ;;
    --base-only) base_only=1 ;;
    *) die "usage: build-local-images.sh [--base-only]" ;;
esac
ensure_engine
build_base
[[ -z "$base_only" ]] || exit 0
if [[ ! -f "$jar" ]]; then
    log "$jar is missing: building it"
    mvn -B -q package -DskipTests -pl cli -am
fi
stage="$(mktemp -d)"
scratch+=("$stage")
build chainplan:local ops/docker/local.Dockerfile cli/target
mkdir "$stage/kafka"
cp -r ops/docker/kafka/. "$stage/kafka"
kafka_tools "$stage/kafka"
build chainplan/kafka:local "$stage/kafka/Dockerfile" "$stage/kafka"
build chainplan/schema-registry:local ops/docker/schema-registry/Dockerfile ops/docker/schema-registry
# a container on a bridge network with a published port: what compose and Testcontainers need
log "chainplan:local runs: $(docker run --rm -p 127.0.0.1::8081 chainplan:local version 2>&1 | tr '\n' ' ')"
# the images these replaced (a step after `ENTRYPOINT []` is never cached by the classic builder)
docker image prune -f --filter "label=$label" > /dev/null
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep '^chainplan' | sed 's/^/  /'
log "done (Kafka $kafka_version, jar built $(date -r "$jar" '+%F %T'))"
