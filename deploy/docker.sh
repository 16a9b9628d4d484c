#!/usr/bin/env bash
# Build the container image and prove it works, on a machine with no registry of images.
#
#   deploy/docker.sh base          build the local base image (debootstrap bookworm) if missing
#   deploy/docker.sh build         wheels on the host into build/wheels, then `docker build`
#   deploy/docker.sh smoke         build, run read-only on loopback, check it from outside
#   deploy/docker.sh stop-daemon   stop the dockerd that this script started, if any
#
# Settings, from the environment:
#   IMAGE       the image built                    (default metatarsalgia-service:latest)
#   BASE_IMAGE  the Dockerfile's BASE_IMAGE        (default metatarsalgia-base:bookworm, made by `base`;
#               any other name must already be present or pullable, e.g. python:3.11-slim-bookworm)
#   PYTHON      the Python that builds the wheels  (default python3; must be the base image's 3.11)
#   DOCKER_DATA_ROOT  data root of a dockerd this script starts (default /var/lib/docker-metatarsalgia)
#
# Everything is bounded in time; the container is published on 127.0.0.1 only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGE=${IMAGE:-metatarsalgia-service:latest}
LOCAL_BASE=metatarsalgia-base:bookworm
BASE_IMAGE=${BASE_IMAGE:-$LOCAL_BASE}
PYTHON=${PYTHON:-python3}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DOCKER_DATA_ROOT=${DOCKER_DATA_ROOT:-/var/lib/docker-metatarsalgia}
DOCKERD_PIDFILE=/run/docker-metatarsalgia.pid
DOCKERD_LOG=/var/log/docker-metatarsalgia.log
WHEELS=$ROOT/build/wheels

log() { printf '[docker.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }
# Runs a named stage and prints how long it took.
stage() {
    local name=$1 start=$SECONDS
    shift
    log "stage $name: start"
    "$@"
    log "stage $name: done in $((SECONDS - start))s"
}

APT_UPDATED=0
apt_install() {
    # apt_install COMMAND PACKAGE: installs PACKAGE unless COMMAND is already there.
    command -v "$1" >/dev/null 2>&1 && return 0
    [[ $(id -u) == 0 ]] || die "$1 is missing and installing $2 needs root"
    if [[ $APT_UPDATED == 0 ]]; then
        timeout 300 apt-get update -qq
        APT_UPDATED=1
    fi
    log "installing $2 with apt-get"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

daemon_answers() { timeout 10 docker info >/dev/null 2>&1; }

ensure_daemon() {
    apt_install dockerd docker.io
    daemon_answers && return 0
    [[ $(id -u) == 0 ]] || die "no Docker daemon answers, and starting one needs root"
    log "no Docker daemon answers: starting dockerd, data root $DOCKER_DATA_ROOT, log $DOCKERD_LOG"
    mkdir -p "$DOCKER_DATA_ROOT"
    # setsid: the daemon outlives this script (stop it with `stop-daemon`).
    setsid dockerd --data-root "$DOCKER_DATA_ROOT" --pidfile "$DOCKERD_PIDFILE" \
        >>"$DOCKERD_LOG" 2>&1 </dev/null &
    local pid=$! i
    for i in $(seq 60); do
        daemon_answers && { log "dockerd answers (pid $pid)"; return 0; }
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$DOCKERD_LOG" >&2; die "dockerd exited"; }
        sleep 1
    done
    tail -n 20 "$DOCKERD_LOG" >&2
    die "dockerd did not answer within 60s"
}

stop_daemon() {
    if [[ ! -s $DOCKERD_PIDFILE ]]; then
        log "no dockerd started by this script ($DOCKERD_PIDFILE absent)"
        return 0
    fi
    local pid i
    pid=$(<"$DOCKERD_PIDFILE")
    if ! kill -0 "$pid" 2>/dev/null; then
        log "dockerd $pid is not running"
        rm -f "$DOCKERD_PIDFILE"
        return 0
    fi
    log "stopping dockerd $pid"
    kill -TERM "$pid"
    for i in $(seq 30); do
        kill -0 "$pid" 2>/dev/null || { log "dockerd stopped"; return 0; }
        sleep 1
    done
    die "dockerd $pid still running after 30s"
}

build_base() {
    ensure_daemon
    if timeout 30 docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
        log "base image $BASE_IMAGE is present"
        return 0
    fi
    if [[ $BASE_IMAGE != "$LOCAL_BASE" ]]; then
        log "pulling $BASE_IMAGE"
        timeout 600 docker pull "$BASE_IMAGE" || die "cannot get base image $BASE_IMAGE"
        return 0
    fi
    apt_install debootstrap debootstrap
    local dir
    dir=$(mktemp -d /var/tmp/metatarsalgia-base.XXXXXX)
    # A subshell, so that its EXIT trap removes the folder however it ends.
    (
        trap 'rm -rf "$dir" "$dir.log"' EXIT
        make_rootfs "$dir"
        log "importing the root filesystem as $LOCAL_BASE"
        tar -C "$dir" --numeric-owner -c . \
            | timeout 600 docker import --change 'CMD ["/usr/bin/python3"]' - "$LOCAL_BASE" >/dev/null
    )
    log "base image $LOCAL_BASE: $(docker image inspect -f '{{.Size}}' "$LOCAL_BASE" | numfmt --to=iec)"
}

make_rootfs() {
    local dir=$1
    log "debootstrap bookworm (minbase + python3, python3-venv) into $dir"
    timeout 1500 debootstrap --variant=minbase --include=python3,python3-venv \
        bookworm "$dir" "$DEBIAN_MIRROR" >"$dir.log" 2>&1 \
        || { tail -n 30 "$dir.log" >&2; die "debootstrap failed"; }
    # Security fixes: the point release debootstrap took, plus bookworm-updates and -security.
    cat >"$dir/etc/apt/sources.list" <<SOURCES
deb $DEBIAN_MIRROR bookworm main
deb $DEBIAN_MIRROR bookworm-updates main
deb ${DEBIAN_MIRROR%/debian}/debian-security bookworm-security main
SOURCES
    log "upgrading the root filesystem from bookworm-updates and bookworm-security"
    timeout 600 chroot "$dir" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 900 chroot "$dir" apt-get upgrade -y -qq >/dev/null
    chroot "$dir" apt-get clean
    # Slim: no package lists, caches, manuals or documentation (copyright files are kept).
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/debconf/*-old \
        "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/var/log/*.log "$dir"/var/log/apt/*
    find "$dir/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
    find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
    # Docker bind-mounts its own resolv.conf and hostname at run time.
    : >"$dir/etc/resolv.conf"
    : >"$dir/etc/hostname"
}

build_wheels() {
    "$PYTHON" - <<'PY' || die "wheels must be built with Python 3.11 (the base image's); set PYTHON"
import sys
sys.exit(sys.version_info[:2] != (3, 11))
PY
    # Fresh every time: no stale wheel, and no file deleted from service/ left in setuptools' build/lib.
    rm -rf "$WHEELS" "$ROOT/build/lib" "$ROOT"/build/bdist.*
    log "building wheels of the project and its dependencies into build/wheels"
    (cd "$ROOT" && timeout 600 "$PYTHON" -m pip wheel --quiet --disable-pip-version-check \
        --constraint requirements.lock --wheel-dir "$WHEELS" .)
    ls "$WHEELS" >&2
}

docker_build() {
    log "docker build $IMAGE from base $BASE_IMAGE (no network in the build)"
    (cd "$ROOT" && timeout 900 docker build --network=none --pull=false \
        --build-arg "BASE_IMAGE=$BASE_IMAGE" --tag "$IMAGE" .)
    # Each build would leave the builder stage's image and the image it untagged: remove both.
    timeout 120 docker image prune --force --filter label=org.metatarsalgia.stage=builder >/dev/null
    timeout 120 docker image prune --force \
        --filter label=org.opencontainers.image.title=metatarsalgia-service >/dev/null
}

build() {
    stage daemon ensure_daemon
    stage base build_base
    stage wheels build_wheels
    stage image docker_build
    log "image $IMAGE: $(docker image inspect -f '{{.Size}}' "$IMAGE" | numfmt --to=iec)"
}

# --- smoke -----------------------------------------------------------------------------------

CID=""
cleanup() {
    local rc=$?
    if [[ -n $CID ]]; then
        if [[ $rc != 0 ]]; then
            log "container logs (last 40 lines):"
            timeout 20 docker logs --tail 40 "$CID" >&2 2>&1 || true
        fi
        log "removing container ${CID:0:12}"
        timeout 30 docker rm --force "$CID" >/dev/null || log "could not remove container $CID"
        CID=""
    fi
    exit "$rc"
}

container_running() {
    [[ $(timeout 10 docker inspect -f '{{.State.Running}}' "$CID" 2>/dev/null) == true ]]
}

# check_endpoint PATH PYTHON-CONDITION: GET from the host, print status line and body, check both.
check_endpoint() {
    local path=$1 condition=$2 response status body
    response=$(curl --silent --show-error --include --max-time 5 "http://$ADDRESS$path") \
        || die "GET $path failed"
    status=$(printf '%s\n' "$response" | head -n 1 | tr -d '\r')
    body=$(printf '%s\n' "$response" | sed '1,/^\r\{0,1\}$/d')
    printf 'GET %s\n%s\n%s\n\n' "$path" "$status" "$body"
    [[ $status == *" 200 "* || $status == *" 200" ]] || die "GET $path: expected 200, got: $status"
    printf '%s' "$body" | "$PYTHON" -c "import json, sys; body = json.load(sys.stdin); sys.exit(not ($condition))" \
        || die "GET $path: body fails the check: $condition"
}

run_container() {
    CID=$(timeout 60 docker run --detach \
        --read-only --tmpfs /tmp:rw,nosuid,nodev,noexec,size=64m \
        --cap-drop ALL --security-opt no-new-privileges \
        --publish 127.0.0.1::8000 \
        "$IMAGE")
    log "container ${CID:0:12} started"
    ADDRESS=$(timeout 10 docker port "$CID" 8000/tcp | grep -m1 '^127\.0\.0\.1:') \
        || die "no port published on 127.0.0.1"
    log "published on $ADDRESS"
}

wait_ready() {
    local i
    for i in $(seq 60); do
        container_running || die "container exited before it was ready"
        curl --silent --fail --max-time 2 --output /dev/null "http://$ADDRESS/health/ready" \
            && { log "ready after ~$((i - 1))s"; return 0; }
        sleep 1
    done
    die "/health/ready did not answer 200 within 60s"
}

check_container() {
    local uid ro health i
    uid=$(timeout 20 docker exec "$CID" id -u)
    log "user id inside the container: $uid"
    [[ $uid =~ ^[0-9]+$ && $uid != 0 ]] || die "the container runs as root"
    ro=$(timeout 10 docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$CID")
    [[ $ro == true ]] || die "root filesystem is not read-only"
    if timeout 20 docker exec "$CID" sh -c ': >/app/probe' 2>/dev/null; then
        die "wrote to /app on a read-only root filesystem"
    fi
    log "root filesystem is read-only (writing /app refused); /tmp is the tmpfs"
    for i in $(seq 90); do
        health=$(timeout 10 docker inspect -f '{{.State.Health.Status}}' "$CID")
        case $health in
            healthy) log "HEALTHCHECK: healthy after ~${i}s of waiting"; return 0 ;;
            unhealthy)
                timeout 10 docker inspect -f '{{json .State.Health}}' "$CID" >&2
                die "HEALTHCHECK: unhealthy"
                ;;
        esac
        container_running || die "container exited while waiting for its HEALTHCHECK"
        sleep 1
    done
    die "HEALTHCHECK not healthy within 90s (last: $health)"
}

stop_container() {
    local code
    timeout 40 docker stop --time 25 "$CID" >/dev/null
    code=$(timeout 10 docker inspect -f '{{.State.ExitCode}}' "$CID")
    log "container stopped, exit code $code"
    [[ $code == 0 ]] || die "gunicorn did not stop cleanly on SIGTERM (exit code $code)"
}

smoke() {
    local start=$SECONDS
    build
    trap cleanup EXIT
    stage run run_container
    stage ready wait_ready
    stage endpoints check_endpoints
    stage container check_container
    stage stop stop_container
    cleanup_ok
    log "smoke passed in $((SECONDS - start))s"
}

check_endpoints() {
    check_endpoint /health/ready 'body.get("status") == "ready"'
    check_endpoint /exercises/heel-raises 'body.get("id") == "heel-raises"'
}

cleanup_ok() {
    log "removing container ${CID:0:12}"
    timeout 30 docker rm --force "$CID" >/dev/null
    CID=""
}

case ${1:-} in
    base) stage daemon ensure_daemon; stage base build_base ;;
    build) build ;;
    smoke) smoke ;;
    stop-daemon) stop_daemon ;;
    *)
        echo "usage: $0 base|build|smoke|stop-daemon" >&2
        exit 2
        ;;
esac
