#!/usr/bin/env bash
# The HTTP load benchmark (benches/load.rs) on a slow disk: every fsync and fdatasync made
# 0, 1 and 3 ms slower by an LD_PRELOAD shim (benches/slow_sync/shim.c), standing in for EFS.
# Prints, per delay, the bare transaction's rate and the served rate with 1 and 16 clients
# at synchronous=FULL: group commit shows as 16 clients far above one.
#
#   scripts/slow-sync.sh [SECONDS] ["DELAYS_US"] [CLIENTS] [JOURNAL]
#   # defaults: 5 "0 1000 3000" 1,16 wal; JOURNAL delete is the rollback journal, as on EFS
#   # SLOW_SYNC_PROFILE=dev builds the benchmark in the dev profile (CI does, to reuse its build)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
delays="${2:-0 1000 3000}"
clients="${3:-1,16}"
journal="${4:-wal}"
mkdir -p target/slow_sync
cc -O2 -shared -fPIC -o target/slow_sync/shim.so benches/slow_sync/shim.c -ldl
profile="${SLOW_SYNC_PROFILE:-bench}"
bin="$(cargo bench --locked --profile "$profile" --bench load --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable") \
            and message["target"]["name"] == "load":
        print(message["executable"])' | tail -1)"
[ -x "$bin" ] || { echo "the load benchmark did not build" >&2; exit 1; }
for delay in $delays; do
    echo "== every sync ${delay} us slower ($journal journal)"
    CHAT_PICKUP_SYNC_DELAY_US="$delay" LD_PRELOAD="$PWD/target/slow_sync/shim.so" \
        "$bin" --seconds "$seconds" --sync full --clients "$clients" --journal "$journal"
done
