#!/usr/bin/env bash
# A local PostgreSQL for trying chat-pickup on it: `start` makes a cluster in ./.pgdata
# (first time only), runs it on 127.0.0.1:5433 and creates the database `chat` for the user
# `chat` (trust authentication, loopback only); `stop` stops it. Needs PostgreSQL's server
# programs (Debian/Ubuntu: apt-get install postgresql). As root, the cluster runs as the
# `postgres` user, since initdb refuses root.
#
#   scripts/local-pg.sh start
#   cargo run --release -- --db postgres://chat@127.0.0.1:5433/chat serve --demo
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${CHAT_PICKUP_PG_PORT:-5433}"
DATA="$PWD/.pgdata"
BIN="$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")")"
[ -x "$BIN/initdb" ] || { echo "PostgreSQL is not installed (no initdb)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    if [ ! -d "$DATA" ]; then
        mkdir -p "$DATA"
        [ "$(id -u)" = 0 ] && chown postgres "$DATA"
        as_owner "$BIN/initdb" -D "$DATA" -A trust -U chat -E UTF8 >/dev/null
    fi
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
        -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1" start >/dev/null
    "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U chat -d postgres -qtAc \
        "SELECT 1 FROM pg_database WHERE datname = 'chat'" | grep -q 1 ||
        "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U chat -d postgres -qc "CREATE DATABASE chat"
    echo "PostgreSQL on postgres://chat@127.0.0.1:$PORT/chat"
    ;;
stop)
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
