#!/usr/bin/env bash
# The spam stage of `mailroom deliver` (issue 14) with the real binary and a
# real user: without a store the rules alone score (said in the log line);
# incoming X-Spam-* fields are renamed, ours written (SpamAssassin's
# X-Spam-Status, X-Mailroom-SCL, X-Spam-Report); after `mailroom learn` a
# spammy message reaches SCL >= 5 and the shipped default-after.sieve files
# it into Junk, the log naming the symbols; the user's block list sends a
# sender to Junk at SCL 9; an allow entry does not help an unauthenticated
# From; spam.enabled=false writes nothing.
TEST_NAME=spam_deliver
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
find_mailroom
make_scratch
install_mailroom
make_user U mrsd
HOMEU="$T/home/$U"
MD="$HOMEU/Maildir"
RCPT="$U@example.net"
G=$(mktemp -d /var/lib/mailroom-spam-test.XXXXXX) || die "mktemp /var/lib"
cleanup_add "rm -rf '$G'"
chmod 0755 "$G"
cp "$top/rules/default-after.sieve" "$G/" && chmod 0644 "$G/default-after.sieve"

COMMON=("${HERMETIC[@]}" -o log.target=stderr -o maildir.fsync=false -o auth.enabled=false
  -o "sieve.after=[\"$G/default-after.sieve\"]")
n=0
newmsg() { # newmsg SUBJECT BODY [EXTRA HEADER LINES]
  n=$((n + 1))
  ID="sd$$x$n"
  { printf '%s' "${3:-}"
    printf 'From: Ann <ann@example.com>\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s@example.com>\n\n%s\nbody %s\n' \
      "$RCPT" "$1" "$(date -R)" "$ID" "$2" "$ID"; } >"$T/m$n.eml"
  MSG="$T/m$n.eml"
}
where_is() { grep -rlsF "body $1" "$MD" 2>/dev/null | head -1; }
deliver() { # deliver NAME ARGS...
  local name=$1 rc
  shift
  "$MAILROOM" deliver "${COMMON[@]}" -d "$U" -f ann@example.com -r "$RCPT" "$@" <"$MSG" >"$T/out" 2>"$T/err"
  rc=$?
  [ "$rc" -eq 0 ] || { fail "$name: exit $rc: $(head -c 400 "$T/err")"; return 1; }
  STORED=$(where_is "$ID")
}

# -- no store: rules only, said in the log; forged fields renamed
newmsg "Lunch" "see you at noon" $'X-Spam-Status: No, score=-9.0\nX-Spam-Flag: NO\n'
if deliver "rules only"; then
  grep -q 'spam="SCL 0 score=0.0 (rules only: no token store at '"$HOMEU"'/.mailroom/spam)"' "$T/err" &&
    pass "no store: rules only, in the log line" || fail "no store log: $(cat "$T/err")"
  [[ $STORED == */Maildir/new/* ]] && pass "clean mail stays in INBOX" || fail "clean mail at $STORED"
  grep -q '^X-Spam-Status: No, score=0.0 required=5.0 tests=none autolearn=no$' "$STORED" &&
    grep -q '^X-Mailroom-SCL: 0$' "$STORED" && grep -q '^X-Spam-Report: SCL 0' "$STORED" &&
    pass "our X-Spam-Status, X-Mailroom-SCL, X-Spam-Report" || fail "fields: $(head -20 "$STORED")"
  [ "$(grep -c '^X-Spam-Status:' "$STORED")" = 1 ] &&
    grep -q '^X-Mailroom-Forged-Spam-Status: No, score=-9.0$' "$STORED" &&
    grep -q '^X-Mailroom-Forged-Spam-Flag: NO$' "$STORED" &&
    pass "incoming X-Spam-* renamed X-Mailroom-Forged-*" || fail "forged: $(head -20 "$STORED")"
fi

# -- an executable attachment and an all-caps subject: symbols in the report
newmsg "READ THIS INVOICE NOW" "--b
Content-Type: text/plain

open it
--b
Content-Type: application/octet-stream
Content-Disposition: attachment; filename=\"invoice.pdf.exe\"

TVqQAAMAAAAEAAAA
--b--" $'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n'
if deliver "attachment"; then
  # Folded after a comma, as SpamAssassin folds it.
  grep -A1 '^X-Spam-Status: No, score=3.5 required=5.0 tests=SUBJ_ALL_CAPS,$' "$STORED" |
    grep -qP '^\tATTACH_EXECUTABLE autolearn=no$' &&
    grep -qP '^\t\*   3.0 ATTACH_EXECUTABLE an attachment is a program .*\(invoice.pdf.exe\)$' "$STORED" &&
    pass "X-Spam-Report: each symbol with its weight and reason" || fail "report: $(head -30 "$STORED")"
fi

# -- trained: spam to Junk through the shipped rule, the log names why
SPAM_WORDS=(viagra cheap pills winner prize casino loan credit offer unsubscribe)
HAM_WORDS=(meeting patch review release agenda minutes build kernel thanks regards)
mkdir -p "$T/spam" "$T/ham"
for i in $(seq 1 25); do
  for kind in spam ham; do
    if [ $kind = spam ]; then words=("${SPAM_WORDS[@]:$((i % 3)):7}"); else words=("${HAM_WORDS[@]:$((i % 3)):7}"); fi
    printf 'From: x%s@example.org\nSubject: note %s\nMessage-ID: <%s%s@example.org>\n\n%s %s\n' \
      "$i" "$i" "$kind" "$i" "${words[*]}" "$i" >"$T/$kind/$i"
  done
done
chmod -R a+rX "$T/spam" "$T/ham"
"$MAILROOM" learn --spam --user "$U" "$T/spam" >/dev/null 2>&1 &&
  "$MAILROOM" learn --ham --user "$U" "$T/ham" >/dev/null 2>&1 || fail "learn failed"
newmsg "note" "cheap pills winner prize casino offer"
if deliver "trained spam"; then
  [[ $STORED == */.Junk/new/* ]] && pass "trained spam filed into Junk by default-after.sieve" ||
    fail "trained spam at $STORED: $(cat "$T/err")"
  grep -qE 'spam="SCL [5-9] score=[0-9.]+ tests=BAYES_(80|95|99)=[0-9.]+' "$T/err" &&
    pass "the log line names the symbols of an SCL >= 5" || fail "spam log: $(cat "$T/err")"
  grep -q '^X-Spam-Flag: YES$' "$STORED" && pass "X-Spam-Flag: YES" || fail "no X-Spam-Flag: YES"
fi
newmsg "note" "meeting patch review agenda minutes regards"
deliver "trained ham" && { [[ $STORED == */Maildir/new/* ]] && pass "trained ham in INBOX" ||
  fail "trained ham at $STORED: $(cat "$T/err")"; }

# -- lists: block -> SCL 9; allow needs an authenticated From
printf '# mine\nblock example.com\n' >"$HOMEU/.mailroom/spam-lists"
chown "$U" "$HOMEU/.mailroom/spam-lists"
newmsg "Lunch" "see you at noon"
deliver "blocked" && { [[ $STORED == */.Junk/new/* ]] && grep -q '^X-Mailroom-SCL: 9$' "$STORED" &&
  grep -q 'BLOCK_LISTED=100.0' "$T/err" && pass "user's block list: SCL 9, Junk" ||
  fail "blocked at $STORED: $(cat "$T/err")"; }
printf 'allow ann@example.com\n' >"$HOMEU/.mailroom/spam-lists"
newmsg "note" "cheap pills winner prize casino offer"
deliver "allow unauthenticated" && { [[ $STORED == */.Junk/new/* ]] && ! grep -q ALLOW_LISTED "$STORED" &&
  pass "an allow entry does not help an unauthenticated From" ||
  fail "allow unauthenticated at $STORED: $(cat "$T/err")"; }

# -- forwarded mail (issue 14), with the results of a trusted upstream MX
#    (no DNS here): a forwarder broke SPF but the author's DKIM signature
#    passed, aligned -> SPF_FAIL weighs 0, INBOX; the same failure with
#    the signature broken too (a mailing list's footer), p=reject -> Junk.
UP=(-o auth.enabled=true -o auth.trusted_authserv_ids=mx.upstream.example)
ar() { # ar SPF DKIM DMARC
  printf 'Authentication-Results: mx.upstream.example; spf=%s smtp.mailfrom=ann@example.com;\n dkim=%s header.d=example.com; dmarc=%s polrec.p=reject header.from=example.com\n' "$@"
}
newmsg "Forwarded lunch" "see you" "$(ar fail pass pass)"$'\n'
if deliver "forwarded" "${UP[@]}"; then
  [[ $STORED == */Maildir/new/* ]] && grep -q 'SPF_FAIL .*not counted: a DKIM signature aligned with From passed' "$STORED" &&
    pass "forwarded: SPF fail with aligned DKIM pass does not count" || fail "forwarded at $STORED: $(cat "$T/err")"
fi
newmsg "[list] lunch" "see you
--
list footer" "$(ar fail fail fail)"$'\n'
if deliver "list, no trusted sealer" "${UP[@]}"; then
  [[ $STORED == */.Junk/new/* ]] && grep -q 'tests=SPF_FAIL=1.0,DKIM_FAIL=1.0,DMARC_REJECT=4.0' "$T/err" &&
    pass "mailing list without a trusted ARC sealer: DMARC reject counts, Junk" ||
    fail "list at $STORED: $(cat "$T/err")"
fi

# -- Sieve's spamtest reads the verdict (RFC 5235: level = SCL + 1)
printf 'block example.com\n' >"$HOMEU/.mailroom/spam-lists"
printf 'require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric"];\nif spamtest :value "eq" :comparator "i;ascii-numeric" "10" { fileinto "Level10"; }\n' >"$HOMEU/.dovecot.sieve"
chown "$U" "$HOMEU/.dovecot.sieve"
newmsg "Lunch" "see you"
deliver "spamtest" && { [[ $STORED == */.Level10/new/* ]] && pass "spamtest sees SCL 9 as level 10" ||
  fail "spamtest at $STORED: $(cat "$T/err")"; }
rm -f "$HOMEU/.dovecot.sieve" "$HOMEU/.mailroom/spam-lists"

# -- off: nothing written
newmsg "Lunch" "see you"
deliver "off" -o spam.enabled=false && { ! grep -q '^X-Spam-' "$STORED" && grep -q 'spam="off"' "$T/err" &&
  pass "spam.enabled=false: no fields" || fail "off: $(head -10 "$STORED")"; }
finish
