#!/usr/bin/env bash
# `make run-nginx`: the service under its production gunicorn config, with nginx in front
# (deploy/nginx.conf: proxy cache, upstream keepalive), both on 127.0.0.1, both in the
# foreground until Ctrl-C or SIGTERM, then both stopped by PID.
#
# Settings, from the environment:
#   PORT           nginx's port                                  (default 8080)
#   UPSTREAM_PORT  gunicorn's port                               (default 8001)
#   RATE_LIMIT     POST /routines and feedback a second per address  (default 10)
#   RATE_BURST     how many may queue above it before 429           (default 20)
#   RUNDIR         nginx's runtime folder (pid, logs, temp, cache; nginx writes nowhere else)
#                  (default: a new folder under $TMPDIR, removed at exit)
#   WEB_CONCURRENCY, THREADS, LOG_LEVEL, ...: read by gunicorn.conf.py as usual
# Installs Debian's nginx with apt-get when it is missing (needs root).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${PORT:-8080}
UPSTREAM_PORT=${UPSTREAM_PORT:-8001}
RATE_LIMIT=${RATE_LIMIT:-10}
RATE_BURST=${RATE_BURST:-20}
GUNICORN=$ROOT/.venv/bin/gunicorn

log() { printf '[run-nginx %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

[[ $PORT =~ ^[0-9]+$ && $UPSTREAM_PORT =~ ^[0-9]+$ ]] || die "PORT and UPSTREAM_PORT must be numbers"
[[ $RATE_LIMIT =~ ^[1-9][0-9]*$ && $RATE_BURST =~ ^[0-9]+$ ]] \
    || die "RATE_LIMIT must be a positive number and RATE_BURST a number"
[[ $PORT != "$UPSTREAM_PORT" ]] || die "PORT and UPSTREAM_PORT must differ (both $PORT)"
[[ -x $GUNICORN ]] || die "$GUNICORN is missing: run \`make run\` once, or pip install -e . into .venv"

if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
    [[ $(id -u) == 0 ]] || die "nginx is missing and installing it needs root"
    log "installing nginx with apt-get"
    timeout 300 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

OWN_RUNDIR=0
if [[ -z ${RUNDIR:-} ]]; then
    RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/metatarsalgia-nginx.XXXXXX")
    OWN_RUNDIR=1
fi
mkdir -p "$RUNDIR/logs" "$RUNDIR/tmp"
RUNDIR=$(cd "$RUNDIR" && pwd)
# nginx's workers run as nobody when the master is root: they must be able to enter the folder.
chmod 0755 "$RUNDIR"

GUNICORN_PID="" NGINX_PID=""
stop() {
    local pid
    trap - INT TERM EXIT
    for pid in $NGINX_PID $GUNICORN_PID; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $NGINX_PID $GUNICORN_PID; do
        # gunicorn finishes its requests within graceful_timeout (20 s), then exits.
        timeout 30 tail --pid="$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
    if [[ $OWN_RUNDIR == 1 ]]; then
        rm -rf "$RUNDIR"
    fi
    log "stopped"
}
trap 'exit 130' INT
trap 'exit 143' TERM
trap stop EXIT

# Render the template (see deploy/nginx.conf), then check it before starting anything.
sed -e "s|@RUNDIR@|$RUNDIR|g" -e "s|@PORT@|$PORT|g" -e "s|@UPSTREAM@|127.0.0.1:$UPSTREAM_PORT|g" \
    -e "s|@RATE@|$RATE_LIMIT|g" -e "s|@BURST@|$RATE_BURST|g" \
    "$ROOT/deploy/nginx.conf" >"$RUNDIR/nginx.conf"
NGINX_ARGS=(-p "$RUNDIR" -c "$RUNDIR/nginx.conf" -e stderr)
GLOBALS="daemon off;"
[[ $(id -u) != 0 ]] || GLOBALS+=" user nobody nogroup;"
"$NGINX" "${NGINX_ARGS[@]}" -g "$GLOBALS" -t -q || die "nginx rejects $RUNDIR/nginx.conf"

# gunicorn on loopback only; its metrics folder under the runtime folder too unless one is set.
cd "$ROOT"
HOST=127.0.0.1 PORT=$UPSTREAM_PORT \
    PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-$RUNDIR/prometheus} \
    "$GUNICORN" --config gunicorn.conf.py &
GUNICORN_PID=$!

# Wait (at most 30 s) for gunicorn to answer before nginx takes traffic.
for _ in $(seq 60); do
    curl --silent --fail --max-time 1 --output /dev/null "http://127.0.0.1:$UPSTREAM_PORT/health/ready" && break
    kill -0 "$GUNICORN_PID" 2>/dev/null || die "gunicorn exited during start-up"
    sleep 0.5
done
curl --silent --fail --max-time 1 --output /dev/null "http://127.0.0.1:$UPSTREAM_PORT/health/ready" \
    || die "gunicorn did not answer /health/ready within 30 s"

"$NGINX" "${NGINX_ARGS[@]}" -g "$GLOBALS" &
NGINX_PID=$!

log "gunicorn (pid $GUNICORN_PID): http://127.0.0.1:$UPSTREAM_PORT/"
log "nginx    (pid $NGINX_PID): http://127.0.0.1:$PORT/   docs: http://127.0.0.1:$PORT/docs"
log "nginx runtime folder: $RUNDIR (access log: $RUNDIR/logs/access.log); Ctrl-C stops both"

# Until either exits (or Ctrl-C / SIGTERM, through the traps above).
set +e
wait -n "$GUNICORN_PID" "$NGINX_PID"
status=$?
log "a server exited (status $status): stopping the other"
exit "$status"
