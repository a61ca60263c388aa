#!/usr/bin/env bash
# Schemathesis against the local server, once per way of signing in and group of routes (a
# few operations each, chosen by a regular expression on "METHOD /path"): each run gets a
# fresh demo database (and a demo tenant, Cust12345) and a fresh server - whose failed-login
# counts would otherwise hold back the invalid-credential probes of a dozen operations from
# one address with 429s - generated requests for every operation of the group, and these
# checks: no 5xx, and every response - status, headers, content type, body - as the document
# says. (Schemathesis' "schema-valid request rejected" check is left out: which zone codes,
# languages and $select names exist is data, not schema.) The conversation's groups (run
# "held") start with the agent holding every session the demo has waiting, so that
# messages, transcripts and changes reach sessions of the agent's - 200s whose bodies are
# checked - and not only 403s. The customer's groups (scheme "sessionkey") start a chat
# first, with no credentials, and send its SessionKey; the operations on a customer's
# session are asked about that session (a per-run configuration fixes their {id}), since
# any other answers the same 401. A page's sign-out (scheme "page") is sent the cookie pair
# and X-XSRF-TOKEN of a sign-in made with curl first.
#
#   scripts/schemathesis.sh [MAX_EXAMPLES]     # after cargo build; needs schemathesis (pip), curl
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-100}"
bin="${CHAT_PICKUP_BIN:-target/debug/chat-pickup}"
# Every run's requests come from 127.0.0.1 and start hundreds of chats in one topic: the
# customer's rates (documented 429s, which schemathesis would accept) are raised out of the
# way, so that the starts and messages are answered and their bodies checked. A customer's
# long poll waits at most half the idle allowance: its least, 10 s, keeps a generated
# `wait` (up to 25) to 5 s - under schemathesis' 10 s request timeout, and the run short.
# (A chat idle 10 s may then be closed by the sweep mid-run: its messages are then the
# documented 409.)
rates=(--starts-per-source 1000000 --starts-per-topic 1000000
    --customer-messages-per-minute 1000000 --customer-idle-seconds 10)
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
    # The agents' groups leave out the customer's routes, whose paths their expressions
    # match too (.*/ChatSession/{id}).
    local scheme="$1" group="$2" held="${3:-}" dir port auth credentials tenant_too=""
    local config=scripts/schemathesis.toml customers=(--exclude-name-regex '/Customer/')
    dir="$(mktemp -d)"
    dirs+=("$dir")
    mkdir "$dir/tenants"
    "$bin" --db "$dir/tenants/Cust12345.db" demo >/dev/null 2>&1
    port="$(free_port)"
    RUST_LOG=warn "$bin" --db "$dir/chat.db" serve --demo --tenants-dir "$dir/tenants" \
        --addr "127.0.0.1:$port" "${rates[@]}" &
    servers+=($!)
    local up=""
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
        sleep 0.1
    done
    [ -n "$up" ] || { echo "the server did not listen on $port" >&2; exit 1; }
    case "$scheme" in
        basic)
            auth=(--auth tje0:Tje0)
            credentials=(-u tje0:Tje0)
            tenant_too=1 ;;
        soticket)
            auth=(-H "Authorization: SOTicket $("$bin" --db "$dir/chat.db" admin issue-ticket --user tje0)")
            credentials=("${auth[@]}") ;;
        bearer)
            auth=(-H "Authorization: Bearer $("$bin" --db "$dir/chat.db" admin issue-token --user tje0)")
            credentials=("${auth[@]}") ;;
        sessionkey)
            # The customer starts a chat in the demo's topic 1 and holds its key.
            local started id key
            started="$(curl -sf -X POST -H 'Accept: application/json' \
                "http://127.0.0.1:$port/api/v1/Customer/ChatTopic/1/Sessions")"
            read -r id key < <(python3 -c 'import json, sys; s = json.load(sys.stdin); print(s["ChatSessionId"], s["SessionKey"])' <<<"$started")
            auth=(-H "Authorization: SessionKey $key")
            credentials=("${auth[@]}")
            config="$dir/schemathesis.toml"
            customers=()
            { cat scripts/schemathesis.toml
              printf '\n[[operations]]\ninclude-path-regex = "/Customer/ChatSession/"\nparameters = { "path.id" = %s }\n' "$id"
            } >"$config" ;;
        page)
            # A page signs in to the default database and to the tenant's (curl keeps each
            # cookie pair, as in docs/authentication.md), and each SignOut route is sent its
            # own database's pair and X-XSRF-TOKEN - headers per operation, since one -H
            # would send one token to both. (A sign-in's only credentials are its body's:
            # the SignIn routes are sent none.)
            local tenant jar ticket_name xsrf_name ticket xsrf
            auth=()
            config="$dir/schemathesis.toml"
            cp scripts/schemathesis.toml "$config"
            for tenant in "" Cust12345; do
                jar="$dir/cookies$tenant"
                ticket_name="SoTicket${tenant:+.$tenant}"
                xsrf_name="XSRF-TOKEN${tenant:+.$tenant}"
                curl -sf -o /dev/null -c "$jar" -H 'Content-Type: application/json' \
                    -d '{"Username": "tje0", "Password": "Tje0"}' \
                    "http://127.0.0.1:$port${tenant:+/$tenant}/api/v1/Auth/SignIn"
                ticket="$(awk -v name="$ticket_name" '$6 == name {print $7}' "$jar")"
                xsrf="$(awk -v name="$xsrf_name" '$6 == name {print $7}' "$jar")"
                [ -n "$ticket" ] && [ -n "$xsrf" ] ||
                    { echo "the sign-in set no $ticket_name and $xsrf_name cookies" >&2; exit 1; }
                printf '\n[[operations]]\ninclude-operation-id = "%sAuthSignOut"\nheaders = { Cookie = "%s=%s; %s=%s", X-XSRF-TOKEN = "%s" }\n' \
                    "${tenant:+Tenant}" "$ticket_name" "$ticket" "$xsrf_name" "$xsrf" "$xsrf" >>"$config"
            done ;;
    esac
    if [ -n "$held" ]; then
        # tje0 picks up every waiting session (the chatbot's is never handed out): 1, 3, 4
        # and 5 become theirs, in progress - on the tenant's database too when the
        # credentials hold there (Basic; a ticket or a token is its own database's alone).
        local base picked
        for base in "http://127.0.0.1:$port" ${tenant_too:+"http://127.0.0.1:$port/Cust12345"}; do
            for _ in $(seq 10); do
                picked="$(curl -sf "${credentials[@]}" -X POST "$base/api/v1/ChatSession/Pickup?\$select=ChatSessionId")" || break
                [ "$picked" != null ] || break
            done
        done
    fi
    echo "== schemathesis, $scheme, operations matching $group${held:+ (sessions held)}, $examples examples per operation"
    schemathesis --config-file "$config" run openapi.yaml --url "http://127.0.0.1:$port" ${auth[@]+"${auth[@]}"} \
        --include-name-regex "$group" ${customers[@]+"${customers[@]}"} \
        --max-examples "$examples" --checks all --exclude-checks positive_data_acceptance \
        --seed 20261125 --warnings off "${@:4}"
}

for scheme in basic soticket bearer; do
    for group in '/ChatSession/(Pickup|ForCurrentUser)$' '^(GET|POST) .*/ChatSession/\{id\}(/Pickup|/Reset)?$' \
        '/ChatSession/\{id\}/(TransferTo|AcceptTransfer|RejectTransfer)' \
        '/Agents/Chat/(PickUpFirstChatSession|ChatSessionsForUser|ResetChatSession)$' \
        '/Agents/Chat/(PickUpChatSession|GetChatSessionEntity)$' \
        '/Agents/Chat/(TransferChatSession|AcceptChatSessionTransfer|RejectChatSessionTransfer)$'; do
        run "$scheme" "$group"
    done
done

# The conversation's operations, a group each - the REST route, its RPC twin and their
# tenant routes - with the agent holding the demo's sessions. Every group runs with Basic,
# and with a ticket or a token in turn (the authentication is every operation's alike):
# those only on the default database's routes, since on the tenant's every request is a 401
# that counts against the address, and once the address is throttled the probes of the
# other operations, with no credentials or bad ones, answer 429 instead of 401.
other=soticket
for group in '^POST .*/ChatSession/\{id\}/Messages$|/Agents/Chat/AddChatMessage$' \
    '^GET .*/ChatSession/\{id\}/Messages$|/Agents/Chat/GetChatMessages$' \
    '/ChatSession/\{id\}/Transcript$|/Agents/Chat/GetChatTranscript$' \
    '/ChatSession/default$|/Agents/Chat/CreateDefaultChatSessionEntity$' \
    '/ChatTopic/\{id\}/Sessions$|/Agents/Chat/CreateChatSessionForTopic$' \
    '/ChatSession$|/Agents/Chat/SaveChatSessionEntity$' \
    '^(PATCH|PUT) .*/ChatSession/\{id\}$'; do
    run basic "$group" held
    run "$other" "$group" held --exclude-path-regex '^/\{tenant\}/'
    if [ "$other" = soticket ]; then other=bearer; else other=soticket; fi
done

# The customer's operations, with the key of a chat the customer started: starting one (no
# credentials asked; the key is ignored) and leaving in one group, the rest of their
# session in another - so that the session is still open for its messages. On the default
# database's routes only, whose session the key is; the start's tenant route is asked too.
run sessionkey '/Customer/ChatTopic/\{id\}/Sessions$|^POST /api/v1/Customer/ChatSession/\{id\}/End$'
run sessionkey '^(GET|POST) /api/v1/Customer/ChatSession/\{id\}(/Messages)?$'

# A page's sign-in and sign-out, in runs of their own: every generated password that fails
# counts against the address, and once twenty have, its tries - a sign-out's too - are the
# documented 429 (checked like any answer). The throttle is left as it is, and what it
# would hold back comes first: the examples phase signs the demo's agent in (the example
# body of openapi.yaml, as JSON and as a form, on both routes) before anything has failed,
# and the first sign-out on each route, with the page's cookies, is the 204 (its
# Set-Cookie required); the same cookies are a 401 after it. A ticket sent in
# Authorization is not a page's: SignOut's 400.
run page '/Auth/SignIn$'
run page '/Auth/SignOut$'
run soticket '/Auth/SignOut$'
