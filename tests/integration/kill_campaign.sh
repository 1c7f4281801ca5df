#!/usr/bin/env bash
# kill -9 campaign with MTA-style retries (issue 12 item 7). Each of
# KILL_CAMPAIGN_COUNT messages (default 400) is delivered as an MTA does: again
# and again until an attempt exits 0, three attempts in four killed at a
# random moment of a delivery. A kill between the link into new/ and the exit
# used to make the retry store the message a second time (190 of 1,000 in the
# issue); the delivery record (mailroom-deliveries/) now recognises the retry.
# Checks: 0 lost (every message in the Maildir), 0 duplicated, 0 partial (each
# file is its original's exact bytes below our header fields), and that some
# retries really were recognised (else the campaign proved nothing). The
# messages carry an MTA's Received: field with a queue id, as from an MTA.
# Then the same with deliver.retry_window = 0 must show duplicates: the check
# can fail, and what prevents them is the record. About 20-40 s on 2 cores.
TEST_NAME=kill_campaign
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

COUNT=${KILL_CAMPAIGN_COUNT:-400}

require_root
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
find_mailroom
make_scratch
install_mailroom
/usr/bin/python3 "$here/lib/gen_messages.py" "$T/msg" k "$COUNT" 2000 40000
# What the MTA hands over starts with its own Received: field, with its queue
# id: only then are equal bytes one queue entry (see deliver.retry_window).
for f in "$T"/msg/*.eml; do
  id=$(basename "$f" .eml)
  { printf 'Received: by mx.example.net (Postfix, from userid 0)\n\tid 4Q%s; Sat, 28 Nov 2026 12:00:01 +0000\n' "$id"
    cat "$f"; } >"$f.new" && mv "$f.new" "$f"
done
chmod -R a+rX "$T/msg"

# campaign USER ARGS...: runs the retry loop for USER; leaves $T/<USER>.rc.
campaign() {
  local user=$1
  shift
  /usr/bin/python3 "$here/lib/kill_loop.py" --retry "$MAILROOM" "$user" "$T/msg" k "$COUNT" "$$" \
    "${HERMETIC[@]}" -o log.target=stderr "$@" >"$T/$user.rc" 2>"$T/$user.summary"
  cat "$T/$user.summary" >&2
}

# --- with the record (the default): exactly once ------------------------------------
make_user U mrkc
MD="$T/home/$U/Maildir"
start=$SECONDS
campaign "$U"
bad=$(awk '$2 != 0 { print }' "$T/$U.rc" | head -3)
[ -z "$bad" ] || fail "messages never delivered with exit 0: $bad"
awk '{ print $1 }' "$T/$U.rc" >"$T/all.ids"
if /usr/bin/python3 "$here/lib/maildir_check.py" "$MD" --originals "$T/msg" --expect "$COUNT" \
  --require-ids "$T/all.ids" >"$T/check" 2>&1; then
  pass "$COUNT messages, 0 lost, 0 duplicated, 0 partial ($((SECONDS - start)) s); $(tail -1 "$T/check")"
else
  fail "lost, duplicated or partial messages:"
  cat "$T/check" >&2
fi
recognised=$(awk '{ n += $4 } END { print n + 0 }' "$T/$U.rc")
[ "$recognised" -gt 0 ] || fail "no retry was recognised: no kill fell between link and exit"
log "$recognised retries recognised as already delivered"
# A kill between link and unlink leaves the tmp/ name; the retry removes it.
left=$(count_files "$MD/tmp")
log "$left staged files left in tmp/ by deliveries killed before their link"

# --- without the record: the retries duplicate (the check above can fail) ---------------
make_user V mrkd
campaign "$V" -o deliver.retry_window=0
if /usr/bin/python3 "$here/lib/maildir_check.py" "$T/home/$V/Maildir" --originals "$T/msg" \
  >"$T/check.off" 2>&1; then
  fail "deliver.retry_window = 0 showed no duplicate: the campaign cannot tell"
else
  pass "with deliver.retry_window = 0 the same campaign duplicates: $(grep -c -i duplicate "$T/check.off") lines"
fi

# --- equal bytes without an MTA's queue id are two deliveries, with one a retry ----------
make_user W mrke
printf 'From: a@example.com\nSubject: twice\n\nby hand\n' >"$T/plain.eml"
{ printf 'Received: by mx.example.net (Postfix) with ESMTP id 4QABC123; Sat, 28 Nov 2026 12:00:01 +0000\n'
  cat "$T/plain.eml"; } >"$T/queued.eml"
chmod a+r "$T/plain.eml" "$T/queued.eml"
for f in plain plain queued queued; do
  "$MAILROOM" deliver -d "$W" -f a@example.com "${HERMETIC[@]}" <"$T/$f.eml" >/dev/null 2>&1 ||
    fail "$f: exit $?"
done
n=$(count_files "$T/home/$W/Maildir/new")
[ "$n" -eq 3 ] || fail "plain twice + queued twice: $n files, want 3 (2 plain, 1 queued)"
[ "$n" -eq 3 ] && pass "the same bytes by hand are stored twice, the same queued message once"
finish
