#!/usr/bin/env bash
# Training safety of the spam store (issue 14, "Proven by tests"): many
# `mailroom deliver` processes score while `mailroom learn` trains the same
# user's LMDB store, and every delivery succeeds with the classifier read
# (no "token store not read"); then `mailroom learn` killed with SIGKILL in
# the middle of a run leaves a store that scores, reads the totals of its
# last commit, and learns again.
TEST_NAME=spam_training_safety
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
find_mailroom
make_scratch
install_mailroom
make_user U mrst
HOMEU="$T/home/$U"
RCPT="$U@example.net"
COMMON=("${HERMETIC[@]}" -o log.target=stderr -o maildir.fsync=false -o auth.enabled=false)

SPAM_WORDS=(viagra cheap pills winner prize casino loan credit offer unsubscribe)
HAM_WORDS=(meeting patch review release agenda minutes build kernel thanks regards)
# make_set DIR KIND FIRST LAST: one message per file, words drawn by number.
make_set() {
  local dir=$1 kind=$2 i words
  mkdir -p "$dir"
  for i in $(seq "$3" "$4"); do
    if [ "$kind" = spam ]; then words=("${SPAM_WORDS[@]:$((i % 4)):6}"); else words=("${HAM_WORDS[@]:$((i % 4)):6}"); fi
    printf 'From: x%s@example.org\nSubject: note %s\nMessage-ID: <%s%s@example.org>\n\n%s %s\n' \
      "$i" "$i" "$kind" "$i" "${words[*]}" "$i" >"$dir/$i"
  done
}
make_set "$T/spam0" spam 1 30
make_set "$T/ham0" ham 1 30
make_set "$T/spam1" spam 31 430
make_set "$T/ham1" ham 31 430
BIG=12000
make_set "$T/big" spam 100001 $((100000 + BIG))
chmod -R a+rX "$T"/spam* "$T"/ham* "$T/big"
"$MAILROOM" learn --spam --user "$U" "$T/spam0" >/dev/null 2>&1 &&
  "$MAILROOM" learn --ham --user "$U" "$T/ham0" >/dev/null 2>&1 || die "initial learn failed"

# -- concurrent deliveries while learn trains
(
  for k in 1 2 3; do
    "$MAILROOM" learn --spam --user "$U" "$T/spam1" >/dev/null 2>&1 || exit 1
    "$MAILROOM" learn --ham --user "$U" "$T/ham1" >/dev/null 2>&1 || exit 1
    # The same messages again in the other class: every learn moves them.
    [ "$k" -lt 3 ] || break
    "$MAILROOM" learn --ham --user "$U" "$T/spam1" >/dev/null 2>&1 || exit 1
    "$MAILROOM" learn --spam --user "$U" "$T/ham1" >/dev/null 2>&1 || exit 1
  done
) &
trainer=$!
cleanup_add "kill -9 $trainer 2>/dev/null"
deliveries=0
bad=0
while kill -0 "$trainer" 2>/dev/null && [ "$deliveries" -lt 400 ]; do
  pids=()
  for j in $(seq 1 8); do
    deliveries=$((deliveries + 1))
    m="$T/msg$deliveries"
    printf 'From: ann@example.com\nTo: %s\nSubject: round %s\nDate: %s\nMessage-ID: <c%s@example.com>\n\ncheap pills %s\n' \
      "$RCPT" "$deliveries" "$(date -R)" "$deliveries" "$j" >"$m"
    "$MAILROOM" deliver "${COMMON[@]}" -d "$U" -f ann@example.com -r "$RCPT" <"$m" >/dev/null 2>"$m.err" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do
    wait "$p" || { bad=$((bad + 1)); log "a delivery failed: exit $?"; }
  done
done
wait "$trainer"
trainer_rc=$?
[ "$trainer_rc" -eq 0 ] && pass "learn ran to the end while $deliveries deliveries scored" ||
  fail "learn failed (exit $trainer_rc) under concurrent deliveries"
[ "$deliveries" -ge 16 ] || fail "only $deliveries deliveries ran while learn trained"
[ "$bad" -eq 0 ] && pass "every delivery exited 0" || fail "$bad deliveries failed"
unread=$(cat "$T"/msg*.err | grep -c 'token store not read' || true)
scored=$(cat "$T"/msg*.err | grep -c 'spam="SCL' || true)
[ "$unread" -eq 0 ] && [ "$scored" -eq "$deliveries" ] &&
  pass "every delivery read the store ($scored log lines)" ||
  fail "store reads: $unread failed, $scored of $deliveries scored: $(grep -h 'spam=' "$T"/msg*.err | head -3)"
stored=$(find "$HOMEU/Maildir" -type f -path '*/new/*' | wc -l)
[ "$stored" -eq "$deliveries" ] && pass "all $deliveries messages stored" ||
  fail "$stored of $deliveries messages stored"

# -- kill -9 during training
before=$("$MAILROOM" score --explain --user "$U" "$T/msg1" 2>&1 | grep -o 'training: [0-9]* spam, [0-9]* ham')
"$MAILROOM" learn --spam --user "$U" "$T/big" >/dev/null 2>&1 &
learner=$!
cleanup_add "kill -9 $learner 2>/dev/null"
spam_before=$(grep -o 'training: [0-9]* spam' <<<"$before" | grep -o '[0-9]*')
# Kill it once its first batch is committed (visible to a reader): in the
# middle of the run, with a write transaction open.
spam_now() { "$MAILROOM" score --explain --user "$U" "$T/msg1" 2>&1 | grep -o 'training: [0-9]* spam' | grep -o '[0-9]*'; }
committed() { [ "$(spam_now)" -gt "$spam_before" ]; }
wait_for 60 committed || fail "learn committed nothing in 60 s"
if kill -9 "$learner" 2>/dev/null; then
  wait "$learner"
  [ $? -eq 137 ] && pass "learn killed with SIGKILL mid-run" || fail "learn was not killed"
else
  fail "learn of $BIG messages ended before the kill: nothing tested"
fi
after=$("$MAILROOM" score --explain --user "$U" "$T/msg1" 2>&1)
rc=$?
spam_after=$(grep -o 'training: [0-9]* spam' <<<"$after" | grep -o '[0-9]*')
[ "$rc" -eq 0 ] && grep -q '^SCL [0-9] score=' <<<"$after" && [ -n "$spam_after" ] &&
  [ "$spam_after" -gt "$spam_before" ] && [ "$spam_after" -lt $((spam_before + BIG)) ] &&
  pass "after the kill the store scores, holding the committed part ($before -> $(grep -o 'training: [0-9]* spam, [0-9]* ham' <<<"$after"))" ||
  fail "store after the kill: exit $rc: $(head -5 <<<"$after")"
"$MAILROOM" learn --spam --user "$U" "$T/big" >"$T/relearn.out" 2>&1 &&
  grep -q 'learnt as spam' "$T/relearn.out" && pass "after the kill learn runs again: $(cat "$T/relearn.out")" ||
  fail "learn after the kill: $(cat "$T/relearn.out")"
final=$("$MAILROOM" score --explain --user "$U" "$T/msg1" 2>&1 | grep -o 'training: [0-9]* spam' | grep -o '[0-9]*')
# Every message of big/ is now learnt exactly once (the killed run's
# committed part is recognised, not counted twice).
[ "$final" -eq $((spam_before + BIG)) ] && pass "relearning counted each message once ($final spam)" ||
  fail "spam count after relearning: $final, expected $((spam_before + BIG))"
finish
