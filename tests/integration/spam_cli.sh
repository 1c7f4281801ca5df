#!/usr/bin/env bash
# `mailroom learn` and `mailroom score` (issue 14) with the real binary and a
# real user: root learns into the user's store (~/.mailroom/spam, owned by
# the user), from a directory and from a Maildir; relearning a message is
# not counted twice and moving it to the other class is counted as a move;
# the user scores from their own shell without --user; a spammy and a hammy
# message land on the right side of SCL 5; --explain names the tokens; a
# link the user planted in place of the store does not make root write
# elsewhere; bad usage exits 64.
TEST_NAME=spam_cli
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
find_mailroom
make_scratch
install_mailroom
make_user U mrsp
HOME_U="$T/home/$U"
STORE="$HOME_U/.mailroom/spam"

# msg FILE ID WORDS...: a message whose body is the words, in an order
# that depends on ID (so no two bodies are equal).
msg() {
  local file=$1 id=$2
  shift 2
  { printf 'From: s%s@example.com\nTo: %s@example.net\nMessage-ID: <%s@example.com>\nSubject: note %s\n\n' "$id" "$U" "$id" "$id"
    for w in "$@"; do printf '%s%s ' "$w" "$((id % 7))"; printf '%s\n' "$w"; done; } >"$file"
}
SPAM_WORDS=(viagra cheap pills winner prize casino loan credit offer unsubscribe)
HAM_WORDS=(meeting patch review release agenda minutes build kernel thanks regards)
mkdir -p "$T/spam" "$T/ham/cur" "$T/ham/new" "$T/ham/tmp"
for i in $(seq 1 25); do
  msg "$T/spam/s$i" "$i" "${SPAM_WORDS[@]:$((i % 3)):7}"
  msg "$T/ham/cur/h$i:2,S" "$((100 + i))" "${HAM_WORDS[@]:$((i % 3)):7}"
done
chmod -R a+rX "$T/spam" "$T/ham"

out=$("$MAILROOM" learn --spam --user "$U" "$T/spam" 2>&1)
[[ $out == *"25 new"* ]] && pass "learn --spam --user: 25 new" || fail "learn --spam: $out"
out=$("$MAILROOM" learn --ham --user "$U" "$T/ham" 2>&1)
[[ $out == *"25 new"* ]] && pass "learn --ham from a Maildir: 25 new" || fail "learn --ham: $out"
[ "$(stat -c %U "$STORE/data.mdb")" = "$U" ] && pass "the store belongs to the user" ||
  fail "store owner: $(stat -c %U "$STORE/data.mdb")"
out=$("$MAILROOM" learn --spam --user "$U" "$T/spam" 2>&1)
[[ $out == *"0 new, 0 moved from ham, 25 already known"* ]] && pass "relearning counts nothing twice" ||
  fail "relearn: $out"
out=$("$MAILROOM" learn --ham --user "$U" "$T/spam/s1" 2>&1)
[[ $out == *"0 new, 1 moved from spam"* ]] && pass "learning in the other class moves" || fail "move: $out"

msg "$T/test-spam" 900 cheap pills winner prize casino offer
msg "$T/test-ham" 901 meeting patch review agenda minutes regards
chmod a+r "$T/test-spam" "$T/test-ham"
# The user, from their own shell: no --user, their store.
s=$(runuser -u "$U" -- env HOME="$HOME_U" "$MAILROOM" score "$T/test-spam" 2>&1)
h=$(runuser -u "$U" -- env HOME="$HOME_U" "$MAILROOM" score "$T/test-ham" 2>&1)
[[ $s =~ ^SCL\ ([0-9])\ score=(-?[0-9.]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge 5 ] &&
  pass "spammy message: $s" || fail "spammy message scored: $s"
[[ $h =~ ^SCL\ ([0-9])\ score=(-?[0-9.]+)$ ]] && [ "${BASH_REMATCH[1]}" -lt 5 ] &&
  pass "hammy message: $h" || fail "hammy message scored: $h"
e=$("$MAILROOM" score --explain --user "$U" "$T/test-spam" 2>&1)
grep -q '^training: 24 spam, 26 ham learnt' <<<"$e" && grep -q '"cheap' <<<"$e" &&
  grep -qE '^ +[0-9.]+ BAYES_(80|95|99) the trained classifier' <<<"$e" &&
  pass "--explain: training and tokens" || fail "--explain: $e"

# The user's block list (spam.user_lists, as deliver reads it).
printf 'block example.com\n' >"$HOME_U/.mailroom/spam-lists"
s=$(runuser -u "$U" -- env HOME="$HOME_U" "$MAILROOM" score --explain "$T/test-ham" 2>&1)
[[ $s == "SCL 9 score="* ]] && grep -q ' BLOCK_LISTED the sender is on a block list (example.com)' <<<"$s" &&
  pass "score: the user's block list, SCL 9" || fail "score with a block list: $s"
rm -f "$HOME_U/.mailroom/spam-lists"

# Without training: the rules alone (the test messages have no Date: 1.0).
out=$("$MAILROOM" score --store "$T/none" "$T/test-spam" 2>&1)
[ "$out" = "SCL 1 score=1.0" ] && pass "no store: rules only, SCL 1" || fail "no store: $out"
out=$("$MAILROOM" score --explain --store "$T/none" "$T/test-spam" 2>&1)
grep -qx '   1.0 MISSING_DATE no Date field (RFC 5322 3.6: it is required)' <<<"$out" &&
  grep -qF "(rules only: no token store at $T/none)" <<<"$out" &&
  pass "--explain: every symbol with its weight and reason" || fail "--explain rules: $out"

# A link planted by the user in place of the store: root learns as the user,
# who cannot write the root-only directory it points to.
mkdir -m 700 "$T/rootonly"
rm -rf "$STORE"
ln -s "$T/rootonly" "$STORE"
"$MAILROOM" learn --spam --user "$U" "$T/spam/s2" >"$T/out" 2>&1
rc=$?
[ "$rc" -eq 75 ] && [ ! -e "$T/rootonly/data.mdb" ] && pass "planted link: exit 75, nothing written" ||
  fail "planted link: exit $rc, $(ls "$T/rootonly") $(cat "$T/out")"

# Usage errors.
"$MAILROOM" learn "$T/spam" >/dev/null 2>&1
[ $? -eq 64 ] && pass "learn without --spam/--ham: 64" || fail "learn without class"
"$MAILROOM" learn --spam --ham "$T/spam" >/dev/null 2>&1
[ $? -eq 64 ] && pass "learn --spam --ham: 64" || fail "learn with both classes"
runuser -u "$U" -- "$MAILROOM" score --user root "$T/test-ham" >/dev/null 2>&1
[ $? -eq 64 ] && pass "a user cannot use root's store: 64" || fail "--user root as a user"
"$MAILROOM" score "$T/missing" >/dev/null 2>&1
[ $? -eq 1 ] && pass "unreadable message: 1" || fail "unreadable message"
finish
