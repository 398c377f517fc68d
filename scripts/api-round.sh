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
    approved=$(post "$who" "/api/v1/revisions/$second/approve" '{"comment": "Checked against the label."}')
    echo "approved: revision $second is $(json state <<<"$approved")"
done

slug=$(get "$pipeline" "/api/v1/articles/$article/revisions" | json slug)
public=$(curl -sS --fail-with-body "$base/api/v1/articles/$slug")
echo "published at /articles/$slug, reviewed by $(json reviewers <<<"$public")"
