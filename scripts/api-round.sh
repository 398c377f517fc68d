#!/usr/bin/env bash
# A whole review round through the JSON API alone, against a running server with the demo
# accounts (`imprimatur demo`): each person makes a token at /account/tokens (signing in
# with curl, as a browser would), then a drafting pipeline submits an article, reads its
# state, a reviewer requests changes, the pipeline answers with a new revision, two
# reviewers approve, and the public endpoint returns it with its reviewers.
#
#   scripts/api-round.sh [base URL, default http://127.0.0.1:8080]
#
# Needs curl and python3. The three people are given as "email password" in EDITOR,
# REVIEWER1 and REVIEWER2: an editor and two reviewers, e.g. as `imprimatur demo` printed
# them (it sets the policy to two approvals):
#
#   EDITOR="erin@demo.imprimatur.test 0efe..." REVIEWER1="priya@demo.imprimatur.test e4e4..." \
#   REVIEWER2="tom@demo.imprimatur.test 96a4..." scripts/api-round.sh
#
# With ADMIN ("email password" of an admin) set too, and the server started with
# IMPRIMATUR_WEBHOOKS_ALLOW_LOOPBACK=1, it also starts a webhook receiver on 127.0.0.1,
# registers it at /admin/webhooks, and at the end lists the events it received, each with
# its signature checked.
set -euo pipefail

base=${1:-http://127.0.0.1:8080}
read -r editor editor_password <<<"${EDITOR:?set EDITOR to the email and password of an editor}"
read -r reviewer1 reviewer1_password <<<"${REVIEWER1:?set REVIEWER1 to the email and password of a reviewer}"
read -r reviewer2 reviewer2_password <<<"${REVIEWER2:?set REVIEWER2 to the email and password of another reviewer}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The value of `field` in the JSON on stdin (a dotted path: revisions.0.state).
json() {
    python3 -c 'import json, sys
value = json.load(sys.stdin)
for part in sys.argv[1].split("."):
    value = value[int(part)] if isinstance(value, list) else value[part]
print(value if not isinstance(value, (dict, list)) else json.dumps(value))' "$1"
}

# The value of the form field `name` in the HTML on stdin.
field() {
    python3 -c 'import html, re, sys
m = re.search(r"name=\"%s\"[^>]*value=\"([^\"]*)\"" % sys.argv[1], sys.stdin.read())
print(html.unescape(m.group(1)) if m else "")' "$1"
}

# Signs in as $1 with the password $2 and makes a token with the scopes $3.. ; prints the
# secret.
token() {
    local email=$1 password=$2 jar="$work/$1.jar"
    shift 2
    local csrf
    csrf=$(curl -sf -c "$jar" -b "$jar" "$base/login" | field csrf_token)
    curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$csrf" \
        --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/login"
    csrf=$(curl -sf -c "$jar" -b "$jar" "$base/account/tokens" | field csrf_token)
    local form=(--data-urlencode "csrf_token=$csrf" --data-urlencode "name=api-round.sh")
    for scope in "$@"; do form+=(--data-urlencode "scopes=$scope"); done
    curl -sf -c "$jar" -b "$jar" "${form[@]}" "$base/account/tokens" |
        python3 -c 'import re, sys; print(re.search(r"value=\"(imp_[0-9a-f]{64})\"", sys.stdin.read()).group(1))'
}

# POST $2 with the JSON $3 as the token $1 (with a fresh Idempotency-Key); prints the answer.
post() {
    curl -sS --fail-with-body -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        -H "Idempotency-Key: $(python3 -c 'import uuid; print(uuid.uuid4())')" \
        --data "$3" "$base$2"
}

get() {
    curl -sS --fail-with-body -H "Authorization: Bearer $1" "$base$2"
}

# A webhook receiver on loopback: checks each delivery's signature and timestamp, prints
# one line per event, and counts repeats of an event id.
receiver_pid=
if [ -n "${ADMIN:-}" ]; then
    read -r admin admin_password <<<"$ADMIN"
    secret="api-round-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
    python3 - "$secret" "$work/events" "$work/port" <<'PY' &
import hashlib, hmac, http.server, json, sys, time
secret, log, port_file = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
seen = set()
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        stamp = self.headers["Imprimatur-Timestamp"]
        want = "v1=" + hmac.new(secret, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(want, self.headers["Imprimatur-Signature"]) and abs(time.time() - int(stamp)) < 300
        event = json.loads(body)
        repeat = event["id"] in seen
        seen.add(event["id"])
        with open(log, "a") as f:
            f.write(f'{event["id"]} {event["type"]} revision {event["revision_id"]} signature {"ok" if ok else "BAD"}{" REPEAT" if repeat else ""}\n')
        self.send_response(204 if ok else 401)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
open(port_file, "w").write(str(server.server_port))
server.serve_forever()
PY
    receiver_pid=$!
    trap 'kill $receiver_pid 2>/dev/null; rm -rf "$work"' EXIT
    for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
    hook="http://127.0.0.1:$(cat "$work/port")/hook"
    jar="$work/admin.jar"
    csrf=$(curl -sf -c "$jar" -b "$jar" "$base/login" | field csrf_token)
    curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$csrf" \
        --data-urlencode "email=$admin" --data-urlencode "password=$admin_password" "$base/login"
    csrf=$(curl -sf -c "$jar" -b "$jar" "$base/admin/webhooks" | field csrf_token)
    events=(revision.submitted revision.changes_requested revision.approved article.published)
    form=(--data-urlencode "csrf_token=$csrf" --data-urlencode "url=$hook" --data-urlencode "secret=$secret")
    for event in "${events[@]}"; do form+=(--data-urlencode "events=$event"); done
    curl -sf -o /dev/null -c "$jar" -b "$jar" "${form[@]}" "$base/admin/webhooks"
    echo "webhook registered: $hook"
fi

pipeline=$(token "$editor" "$editor_password" read write)
rita=$(token "$reviewer1" "$reviewer1_password" review)
sam=$(token "$reviewer2" "$reviewer2_password" review)
echo "tokens made for $editor (read, write), $reviewer1 and $reviewer2 (review)"

title="Can methotrexate be taken with trimethoprim? ($(date +%s))"
body="Usually not: both lower folate [1].\n\nAsk before taking antibiotics."
saved=$(post "$pipeline" /api/v1/articles "{\"title\": \"$title\", \"summary\": \"Usually not.\",
  \"body\": \"$body\", \"change_note\": \"Drafted by the pipeline.\", \"submit\": true,
  \"references\": [{\"kind\": \"drug_label\", \"title\": \"Methotrexate label\", \"year\": 2024}]}")
article=$(json article_id <<<"$saved")
first=$(json revision_id <<<"$saved")
echo "submitted article $article as revision $first: $(json state <<<"$saved")"

state=$(get "$pipeline" "/api/v1/articles/$article/revisions")
echo "its newest revision is $(json revisions.0.state <<<"$state")"

version=$(get "$rita" "/api/v1/revisions/$first" | json version)
asked=$(post "$rita" "/api/v1/revisions/$first/request-changes" \
    "{\"expected_version\": $version, \"comment\": \"Say what to do if it was already prescribed.\"}")
echo "$reviewer1 requested changes: $(json state <<<"$asked")"

answered=$(post "$pipeline" "/api/v1/articles/$article/revisions" "{\"base_revision_id\": $first,
  \"title\": \"$title\", \"summary\": \"Usually not.\", \"submit\": true,
  \"body\": \"$body\n\nIf both were prescribed, ask the prescriber before the next dose [1].\",
  \"change_note\": \"Answered the change request.\",
  \"references\": [{\"kind\": \"drug_label\", \"title\": \"Methotrexate label\", \"year\": 2024}]}")
second=$(json revision_id <<<"$answered")
echo "the pipeline answered with revision $second"

for who in "$rita" "$sam"; do
    approved=$(post "$who" "/api/v1/revisions/$second/approve" '{"comment": "Checked against the label.", "declaration": "none"}')
    echo "approved: revision $second is $(json state <<<"$approved")"
done

slug=$(get "$pipeline" "/api/v1/articles/$article/revisions" | json slug)
public=$(curl -sS --fail-with-body "$base/api/v1/articles/$slug")
echo "published at /articles/$slug, reviewed by $(json reviewers <<<"$public")"

if [ -n "$receiver_pid" ]; then
    # submitted twice, changes requested, approved twice, published: six events.
    for _ in $(seq 100); do
        [ -f "$work/events" ] && [ "$(wc -l <"$work/events")" -ge 6 ] && break
        sleep 0.2
    done
    sleep 1
    echo "the webhook receiver got:"
    sed 's/^/  /' "$work/events"
fi
