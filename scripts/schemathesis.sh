#!/usr/bin/env bash
# Schemathesis against the local server, once per way of signing in and group of routes (a
# few operations each): each run gets a fresh demo database (and a demo tenant,
# Cust12345) and a fresh server - whose failed-login counts would otherwise hold back the
# invalid-credential probes of a dozen operations from one address with 429s - generated
# requests for every operation of the group, and these checks: no 5xx, and every response - status, headers, content
# type, body - as the document says. (Schemathesis' "schema-valid request rejected" check is
# left out: which zone codes, languages and $select names exist is data, not schema.)
#
#   scripts/schemathesis.sh [MAX_EXAMPLES]     # after cargo build; needs schemathesis (pip)
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-100}"
bin="${CHAT_PICKUP_BIN:-target/debug/chat-pickup}"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Servers and directories of every run, removed however the script ends.
servers=()
dirs=()
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
    for dir in "${dirs[@]}"; do rm -rf "$dir"; done
}
trap cleanup EXIT

run() {
    local scheme="$1" group="$2" dir port auth
    dir="$(mktemp -d)"
    dirs+=("$dir")
    mkdir "$dir/tenants"
    "$bin" --db "$dir/tenants/Cust12345.db" demo >/dev/null 2>&1
    port="$(free_port)"
    RUST_LOG=warn "$bin" --db "$dir/chat.db" serve --demo --tenants-dir "$dir/tenants" \
        --addr "127.0.0.1:$port" &
    servers+=($!)
    local up=""
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
        sleep 0.1
    done
    [ -n "$up" ] || { echo "the server did not listen on $port" >&2; exit 1; }
    case "$scheme" in
        basic) auth=(--auth tje0:Tje0) ;;
        soticket) auth=(-H "Authorization: SOTicket $("$bin" --db "$dir/chat.db" admin issue-ticket --user tje0)") ;;
        bearer) auth=(-H "Authorization: Bearer $("$bin" --db "$dir/chat.db" admin issue-token --user tje0)") ;;
    esac
    echo "== schemathesis, $scheme, routes matching $group, $examples examples per operation"
    schemathesis --config-file scripts/schemathesis.toml run openapi.yaml --url "http://127.0.0.1:$port" "${auth[@]}" \
        --include-path-regex "$group" \
        --max-examples "$examples" --checks all --exclude-checks positive_data_acceptance \
        --seed 20261125 --warnings off
}

for scheme in basic soticket bearer; do
    for group in '/ChatSession/(Pickup|ForCurrentUser)$' '/ChatSession/\{id\}(/Pickup|/Reset)?$' \
        '/ChatSession/\{id\}/(TransferTo|AcceptTransfer|RejectTransfer)' \
        '/Agents/Chat/(PickUpFirstChatSession|ChatSessionsForUser|ResetChatSession)$' \
        '/Agents/Chat/(PickUpChatSession|GetChatSessionEntity)$' \
        '/Agents/Chat/(TransferChatSession|AcceptChatSessionTransfer|RejectChatSessionTransfer)$'; do
        run "$scheme" "$group"
    done
done
