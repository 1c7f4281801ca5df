#!/usr/bin/env bash
# deliver runs Sieve scripts for real (issue 13): fileinto creates folders,
# the implicit keep follows -m, redirect reaches a recording sendmail (argv
# and message, our loop field; a loop is refused and kept), a failed
# redirect is a tempfail only when nothing was kept, discard stores
# nothing, a broken script keeps to INBOX and writes ~/.mailroom/sieve.log,
# the global before/after order (multiscript), a global script in a
# writable directory fails the delivery (75), and the shipped default
# after-script files spam into Junk only from a trusted header.
TEST_NAME=deliver_sieve
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
find_mailroom
make_scratch
install_mailroom
make_user U mrsv
HOMEU="$T/home/$U"
MD="$HOMEU/Maildir"
RCPT="$U@example.net"
# Global scripts live in a root-owned directory outside /tmp (StrictModes:
# /tmp is writable by all, so never trusted for root).
G=$(mktemp -d /var/lib/mailroom-sieve-test.XXXXXX) || die "mktemp /var/lib"
cleanup_add "rm -rf '$G'"
chmod 0755 "$G"

# The recording sendmail: argv one per line, then the message.
recording_sendmail "$U"
cat >"$T/bin/sendmail-fail" <<'EOF'
#!/bin/sh
cat >/dev/null
exit 1
EOF
printf '#!/bin/sh\nexec sleep 60\n' >"$T/bin/sendmail-hang"
chmod 0755 "$T/bin/sendmail-fail" "$T/bin/sendmail-hang"

COMMON=("${HERMETIC[@]}" -o log.target=stderr -o maildir.fsync=false -o auth.enabled=false
  -o "sieve.sendmail=$T/bin/sendmail-rec -oi -f %f -- %a")
n=0
newmsg() { # newmsg SUBJECT [EXTRA HEADER LINES]
  n=$((n + 1))
  ID="sv$$x$n"
  { printf '%s' "${2:-}"; printf 'From: a@example.com\nTo: %s\nSubject: %s\nMessage-ID: <%s@example.com>\n\nbody %s\n' "$RCPT" "$1" "$ID" "$ID"; } >"$T/m$n.eml"
  MSG="$T/m$n.eml"
}
where_is() { grep -rlsF "body $1" "$MD" 2>/dev/null | head -1; }
user_script() { printf '%s\n' "$1" >"$HOMEU/.dovecot.sieve"; chown "$U" "$HOMEU/.dovecot.sieve"; }
# deliver NAME WANT_RC ARGS...
deliver() {
  local name=$1 want=$2 rc
  shift 2
  "$MAILROOM" deliver "${COMMON[@]}" -d "$U" -f a@example.com -r "$RCPT" "$@" <"$MSG" >"$T/out" 2>"$T/err"
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, want $want: $(head -c 400 "$T/err")"
    return 1
  fi
}
expect_in() { # expect_in NAME DIR-REGEX
  local file
  file=$(where_is "$ID")
  if [[ "$file" =~ $2 ]]; then pass "$1"; else fail "$1: stored at '${file:-nowhere}', want $2; $(cat "$T/err")"; fi
}

# -- fileinto creates the folder; the log names the script and line
user_script 'require ["fileinto", "copy"];
if header :contains "Subject" "[list]" { fileinto "Lists"; }
if header :contains "Subject" "discard-me" { discard; }
if header :contains "Subject" "send-away" { redirect "away@example.org"; }
if header :contains "Subject" "copy-away" { redirect :copy "away@example.org"; }'
newmsg "[list] weekly"
deliver "fileinto" 0 && expect_in "fileinto Lists creates .Lists" "/Maildir/\.Lists/new/"
grep -q "why=\"fileinto at $HOMEU/.dovecot.sieve:2\"" "$T/err" && pass "log names script:line" ||
  fail "log line: $(cat "$T/err")"

# -- no rule matched: the implicit keep goes to -m, else INBOX
newmsg "plain"
deliver "implicit keep" 0 && expect_in "implicit keep into INBOX" "/Maildir/new/"
newmsg "plain"
deliver "implicit keep -m" 0 -m Work && expect_in "implicit keep follows -m" "/Maildir/\.Work/new/"

# -- discard: nothing stored, exit 0, logged
newmsg "discard-me"
deliver "discard" 0 && [ -z "$(where_is "$ID")" ] && grep -q "discarded:.*discard at" "$T/err" &&
  pass "discard stores nothing and is logged" || fail "discard: $(where_is "$ID") $(cat "$T/err")"

# -- redirect reaches sendmail with our loop field; no copy kept
newmsg "send-away"
if deliver "redirect" 0; then
  sent="$SENT/0"
  if [ -f "$sent" ] && grep -qx -- "-f" "$sent" && grep -qx "a@example.com" "$sent" &&
    grep -qx "away@example.org" "$sent" && grep -qx "X-Mailroom-Redirected: <$RCPT>" "$sent" &&
    grep -q "body $ID" "$sent" && [ -z "$(where_is "$ID")" ]; then
    pass "redirect hands the message to sendmail, no copy kept"
  else
    fail "redirect: $(cat "$sent" 2>/dev/null | head -12) stored=$(where_is "$ID")"
  fi
fi
# ... and one that already went round this loop is kept, not sent again
newmsg "send-away" "X-Mailroom-Redirected: <$RCPT>
"
before=$(ls "$SENT" | wc -l)
deliver "redirect loop" 0 && [ "$(ls "$SENT" | wc -l)" -eq "$before" ] &&
  expect_in "a redirect loop is refused and the message kept" "/Maildir/new/"

# -- a failing sendmail: 75 when nothing was kept, logged when a copy was
COMMON_FAIL=("${COMMON[@]}" -o "sieve.sendmail=$T/bin/sendmail-fail %a")
newmsg "send-away"
"$MAILROOM" deliver "${COMMON_FAIL[@]}" -d "$U" -r "$RCPT" <"$MSG" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 75 ] && [ -z "$(where_is "$ID")" ] && pass "redirect failure with nothing kept: 75" ||
  fail "redirect failure: exit $rc $(cat "$T/err")"
newmsg "copy-away"
"$MAILROOM" deliver "${COMMON_FAIL[@]}" -d "$U" -r "$RCPT" <"$MSG" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 0 ] && [ -n "$(where_is "$ID")" ] && grep -q "not sent" "$T/err" &&
  pass "redirect :copy failure after the copy: 0, logged" || fail "redirect :copy failure: exit $rc $(cat "$T/err")"

# ... and a sendmail that hangs after the copy is linked: ended at the
# deadline, the delivery still exits 0 (a 75 now would duplicate the copy)
newmsg "copy-away"
start=$(date +%s)
"$MAILROOM" deliver "${COMMON[@]}" -o "sieve.sendmail=$T/bin/sendmail-hang %a" -o deliver.deadline=2s \
  -d "$U" -r "$RCPT" <"$MSG" >"$T/out" 2>"$T/err"
rc=$?
took=$(($(date +%s) - start))
[ "$rc" -eq 0 ] && [ "$took" -lt 20 ] && [ -n "$(where_is "$ID")" ] &&
  pass "a hung sendmail after the copy: ended, exit 0 (${took}s)" ||
  fail "hung sendmail: exit $rc after ${took}s $(cat "$T/err")"

# -- a broken script never loses mail: INBOX (not -m), sieve.log
user_script 'require ["fileinto", "copy"];
if header :contains "Subject" "x" { fileinto "Lists" }'
newmsg "broken"
deliver "broken script" 0 -m Work && expect_in "a broken script keeps to INBOX" "/Maildir/new/"
grep -qs "\.dovecot\.sieve:2:.*syntax" "$HOMEU/.mailroom/sieve.log" &&
  [ "$(stat -c %U "$HOMEU/.mailroom/sieve.log")" = "$U" ] && pass "the error is in ~/.mailroom/sieve.log, the user's" ||
  fail "sieve.log: $(cat "$HOMEU/.mailroom/sieve.log" 2>&1)"

# -- global before, user, global after: keep flows on only when implicit
mkdir -p "$G/before.d" && chmod 0755 "$G/before.d"
cat >"$G/before.d/10-policy.sieve" <<'EOF'
require "fileinto";
if header :contains "Subject" "policy" { fileinto "Policy"; }
EOF
cat >"$G/after.sieve" <<'EOF'
require "fileinto";
fileinto "After";
EOF
chmod 0644 "$G"/*.sieve "$G"/before.d/*.sieve
user_script 'require ["fileinto", "copy"];
if header :contains "Subject" "mine" { fileinto "Mine"; }'
ORDER=(-o "sieve.before=[\"$G/before.d\"]" -o "sieve.after=[\"$G/after.sieve\"]")
newmsg "policy"
deliver "before" 0 "${ORDER[@]}" && expect_in "a before script's fileinto ends the sequence" "/\.Policy/new/"
newmsg "mine"
deliver "user" 0 "${ORDER[@]}" && expect_in "the user's fileinto wins over the after script" "/\.Mine/new/"
newmsg "neither"
deliver "after" 0 "${ORDER[@]}" && expect_in "the implicit keep flows on to the after script" "/\.After/new/" &&
  grep -q "sieve=\"$G/before.d/10-policy.sieve,$HOMEU/.dovecot.sieve,$G/after.sieve\"" "$T/err" &&
  pass "the log lists the scripts in order" || fail "order in the log: $(cat "$T/err")"

# -- a global script in a directory others can write: refused, 75
mkdir -p "$T/g" && cp "$G/after.sieve" "$T/g/"
newmsg "plain"
deliver "untrusted global" 75 -o "sieve.after=[\"$T/g/after.sieve\"]" &&
  [ -z "$(where_is "$ID")" ] && grep -q "global Sieve script" "$T/err" &&
  pass "an untrusted global script fails the delivery (75)"

# -- the shipped default after-script: compiles; Junk only from a trusted header
"$MAILROOM" sieve check "$top/rules/default-after.sieve" >"$T/out" 2>&1 &&
  pass "rules/default-after.sieve compiles" || fail "sieve check default-after: $(cat "$T/out")"
cp "$top/rules/default-after.sieve" "$G/default-after.sieve" && chmod 0644 "$G/default-after.sieve"
rm -f "$HOMEU/.dovecot.sieve"
newmsg "no script"
deliver "no script" 0 && grep -q "sieve=\"none (no $HOMEU/.dovecot.sieve)\"" "$T/err" &&
  pass "without scripts the log says why none ran" || fail "no script: $(cat "$T/err")"
AFTER=(-o "sieve.after=[\"$G/default-after.sieve\"]")
newmsg "cheap pills" "X-Spam-Score: 9.1
X-Mailroom-Spam-Score: 9
"
deliver "spam untrusted" 0 "${AFTER[@]}" && expect_in "an outside spam header is not trusted by default" "/Maildir/new/"
newmsg "cheap pills" "X-Spam-Score: 9.1
"
deliver "spam trusted" 0 "${AFTER[@]}" -o sieve.trusted_spam_header=X-Spam-Score &&
  expect_in "the trusted header's score >= 5 files into Junk" "/\.Junk/new/"
newmsg "fine" "X-Spam-Score: -1.5
"
deliver "ham trusted" 0 "${AFTER[@]}" -o sieve.trusted_spam_header=X-Spam-Score &&
  expect_in "a negative score stays in INBOX" "/Maildir/new/"
# SCL = the score's integer part: 4.9 is SCL 4 (spamtest 5), 5.0 is SCL 5 (6).
newmsg "borderline" "X-Spam-Score: 4.9
"
deliver "4.9 trusted" 0 "${AFTER[@]}" -o sieve.trusted_spam_header=X-Spam-Score &&
  expect_in "score 4.9 (spamtest 5) stays in INBOX" "/Maildir/new/"
newmsg "threshold" "X-Spam-Level: *****
"
deliver "5 stars trusted" 0 "${AFTER[@]}" -o sieve.trusted_spam_header=X-Spam-Level &&
  expect_in "five stars of X-Spam-Level (spamtest 6) file into Junk" "/\.Junk/new/"
# The user's own decision wins: the after-script runs only on the implicit keep.
user_script 'require "fileinto";
if header :contains "Subject" "mine" { fileinto "Mine"; }'
newmsg "mine too" "X-Spam-Score: 9.1
"
deliver "user overrides" 0 "${AFTER[@]}" -o sieve.trusted_spam_header=X-Spam-Score &&
  expect_in "a user's fileinto wins over the default after-script" "/\.Mine/new/"
rm -f "$HOMEU/.dovecot.sieve"

# -- spamtest, environment and extlists see this delivery: the trusted score,
#    the MTA's CLIENT_ADDRESS, the lists of sieve.lists_dir
mkdir -p "$HOMEU/lists" && printf '# friends\nFriend@Example.com\n' >"$HOMEU/lists/friends"
chown -R "$U" "$HOMEU/lists"
user_script 'require ["fileinto", "spamtestplus", "environment", "extlists", "relational", "comparator-i;ascii-numeric", "variables"];
if spamtest :percent :value "ge" :comparator "i;ascii-numeric" "50" { fileinto "Percent"; stop; }
if address :list "from" "tag:friends" { fileinto "Friends"; stop; }
if environment :matches "remote-ip" "*" { fileinto "From-${1}"; }'
newmsg "scored" "X-Spam-Score: 4.5
"
deliver "spamtestplus" 0 -o sieve.trusted_spam_header=X-Spam-Score &&
  expect_in "spamtestplus :percent reads the trusted score (4.5 is 50%)" "/\.Percent/new/"
newmsg "friendly" "From: friend@example.com
"
deliver "extlists" 0 -o "sieve.lists_dir=~/lists" && expect_in "address :list reads ~/lists/friends" "/\.Friends/new/"
newmsg "relayed"
CLIENT_ADDRESS=192.0.2.7 deliver "environment" 0 -o "sieve.lists_dir=~/lists" && expect_in "environment remote-ip is CLIENT_ADDRESS" "/\.From-192\.0\.2\.7/new/"
rm -f "$HOMEU/.dovecot.sieve"

# -- the extensions end to end: mailboxexists asks the store (Lists exists
#    since the first case), imap4flags land in the file name, reject is 77
user_script 'require ["fileinto", "mailbox", "imap4flags", "reject"];
if header :contains "Subject" "exists" {
  if mailboxexists "Lists" { fileinto :flags "\\Flagged" "Lists"; } else { fileinto "Nowhere"; }
}
if header :contains "Subject" "absent" {
  if mailboxexists "Nowhere" { fileinto "Lists"; } else { fileinto :create "Created"; }
}
if header :contains "Subject" "flag-me" { addflag "\\Seen"; }
if header :contains "Subject" "refuse-me" { reject "not wanted here"; }'
newmsg "exists"
deliver "mailboxexists" 0 && expect_in "mailboxexists sees Lists; :flags \\Flagged is F" '/Maildir/\.Lists/(new|cur)/[^/]*:2,F$'
newmsg "absent"
deliver "mailboxexists (absent)" 0 && expect_in "mailboxexists is false for a missing folder" '/Maildir/\.Created/'
newmsg "flag-me"
deliver "addflag" 0 && expect_in "the implicit keep carries \\Seen" '/Maildir/(new|cur)/[^/]*:2,S$'
newmsg "refuse-me"
if deliver "reject" 77; then
  [ -z "$(where_is "$ID")" ] && grep -q "5.7.1" "$T/err" && grep -q "not wanted here" "$T/err" &&
    pass "reject: exit 77, 5.7.1 and the reason, nothing stored" ||
    fail "reject: stored at '$(where_is "$ID")', stderr: $(cat "$T/err")"
fi

# -- two folders from two rules: the log line names the rule of each
user_script 'require ["fileinto", "copy"];
if header :contains "Subject" "two" { fileinto :copy "Lists"; }
if header :contains "Subject" "rules" { fileinto "Work"; }'
newmsg "two rules"
deliver "two rules" 0 &&
  grep -q "folder=Lists,Work .*why=\"fileinto at $HOMEU/.dovecot.sieve:2; fileinto at $HOMEU/.dovecot.sieve:3\"" "$T/err" &&
  pass "log names the script:line of each folder" || fail "two rules log: $(cat "$T/err")"

# -- the structure extensions end to end: include from ~/sieve and from
#    sieve.global_dir (RFC 6609), header edits stored and seen by the after
#    script (RFC 5293), fileinto :specialuse through maildir.special_use
#    (RFC 8579)
mkdir -p "$HOMEU/sieve" "$G/inc" && chmod 0755 "$G/inc"
printf 'require ["fileinto", "editheader"];\nif header :contains "Subject" "included" {\n  addheader "X-Included" "yes";\n  fileinto "Included";\n}\n' >"$HOMEU/sieve/lists.sieve"
chown -R "$U" "$HOMEU/sieve"
printf 'require "fileinto";\nif header :contains "Subject" "global-inc" { fileinto "GlobalInc"; }\n' >"$G/inc/common.sieve"
printf 'require "fileinto";\nif exists "X-Edited" { fileinto "AfterSawEdit"; }\n' >"$G/after-edit.sieve"
chmod 0644 "$G/inc/common.sieve" "$G/after-edit.sieve"
user_script 'require ["include", "editheader", "fileinto", "special-use", "imap4flags"];
if header :contains "Subject" "label-me" { addflag ["$Label1", "Work"]; }
include "lists";
include :global :optional "common";
if header :contains "Subject" "edit-me" {
  deleteheader "X-Remove";
  deleteheader "Received";
  addheader "X-Edited" "by sieve";
}
if header :contains "Subject" "junk-me" { fileinto :specialuse "\\Junk" "Spam"; }'
STRUCT=(-o "sieve.global_dir=$G/inc")
newmsg "included"
deliver "include personal" 0 "${STRUCT[@]}" && expect_in "include finds ~/sieve/lists.sieve" "/\.Included/new/" &&
  grep -q "^X-Included: yes" "$(where_is "$ID")" && pass "an included script's addheader is stored" ||
  fail "include personal: $(cat "$T/err")"
newmsg "global-inc"
deliver "include global" 0 "${STRUCT[@]}" && expect_in "include :global finds sieve.global_dir/common.sieve" "/\.GlobalInc/new/"
newmsg "global-inc"
deliver "include global optional" 0 -o sieve.global_dir= && expect_in "a missing :optional include is skipped" "/Maildir/new/"
mkdir -p "$T/ginc" && cp "$G/inc/common.sieve" "$T/ginc/"
newmsg "global-inc"
deliver "include global untrusted" 0 -o "sieve.global_dir=$T/ginc" &&
  expect_in "a global_dir others can write is not used" "/Maildir/new/" &&
  grep -q "sieve.global_dir not used" "$T/err" && pass "and the log says why" ||
  fail "untrusted global_dir: $(cat "$T/err")"
rm "$HOMEU/sieve/lists.sieve"
newmsg "included"
deliver "include missing" 0 "${STRUCT[@]}" && expect_in "a missing include keeps the message in INBOX" "/Maildir/new/" &&
  grep -q "lists.sieve" "$HOMEU/.mailroom/sieve.log" && pass "the missing include is in sieve.log" ||
  fail "include missing: no sieve.log line"
printf 'require "fileinto";\n' >"$HOMEU/sieve/lists.sieve" && chown "$U" "$HOMEU/sieve/lists.sieve"
newmsg "edit-me" "Received: from relay.example.com by mx.example.net; Mon, 7 Dec 2026 10:00:00 +0000
X-Remove: please
"
deliver "editheader" 0 "${STRUCT[@]}" -o "sieve.after=[\"$G/after-edit.sieve\"]" &&
  expect_in "the after script sees the user script's addheader" "/\.AfterSawEdit/new/"
file=$(where_is "$ID")
if [ -n "$file" ] && grep -q "^X-Edited: by sieve" "$file" && ! grep -q "^X-Remove:" "$file" &&
  grep -q "^Received: from relay.example.com" "$file" && grep -q "^Delivered-To: $RCPT" "$file"; then
  pass "the stored copy has the edits, keeps Received and our trace fields"
else
  fail "editheader stored copy: $(head -c 600 "${file:-/dev/null}")"
fi
newmsg "junk-me"
deliver "specialuse" 0 "${STRUCT[@]}" && expect_in "fileinto :specialuse \\Junk finds Junk" "/\.Junk/new/"
newmsg "junk-me"
deliver "specialuse mapped" 0 "${STRUCT[@]}" -o 'maildir.special_use=["\\Junk=Lists"]' &&
  expect_in "maildir.special_use maps \\Junk to Lists" "/\.Lists/new/"
newmsg "junk-me"
deliver "specialuse missing" 0 "${STRUCT[@]}" -o 'maildir.special_use=["\\Junk=NoSuch"]' &&
  expect_in "no folder with the attribute: the named one" "/\.Spam/new/"

# -- keywords Dovecot never saw are added to dovecot-keywords (letters a, b)
newmsg "label-me"
deliver "keywords" 0 "${STRUCT[@]}" && expect_in "new keywords stored as letters" '/Maildir/cur/[^/]*:2,ab$' &&
  [ "$(cat "$MD/dovecot-keywords")" = "$(printf '0 $Label1\n1 Work')" ] &&
  pass "dovecot-keywords names them" || fail "dovecot-keywords: $(cat "$MD/dovecot-keywords" 2>&1)"
newmsg "label-me"
deliver "keywords off" 0 "${STRUCT[@]}" -o maildir.dovecot_keywords=false -m Lists &&
  expect_in "with maildir.dovecot_keywords off, unknown keywords are left out" '/\.Lists/new/[^:]*$' &&
  grep -q "keywords not known to Lists not stored" "$T/err" && pass "and the log says so" ||
  fail "keywords off: $(cat "$T/err")"
# -- the compiled form (mailroom-sieve(7), "Compiled form"): written beside
#    the user's script as the user, never in the root-owned global directory;
#    a damaged one is ignored and rewritten
FORM="$HOMEU/.dovecot.mrsvbin"
user_script 'require "fileinto";
if header :contains "Subject" "formed" { fileinto "Formed"; }'
rm -f "$FORM"
newmsg "formed 1"
deliver "compiled form written" 0 && expect_in "the first delivery compiles" '/\.Formed/new/'
[ "$(stat -c %U "$FORM" 2>/dev/null)" = "$U" ] && pass "the compiled form is written as the user" ||
  fail "compiled form: $(ls -l "$FORM" 2>&1)"
newmsg "formed 2"
deliver "compiled form used" 0 && expect_in "the compiled form files the same" '/\.Formed/new/'
ls "$G"/*.mrsvbin "$G"/before.d/*.mrsvbin >/dev/null 2>&1 &&
  fail "a compiled form appeared in the root-owned global directory" ||
  pass "no compiled form in the root-owned global directory (compiled in memory)"
printf 'mrsvbin\ngarbage' >"$FORM" && chown "$U" "$FORM"
newmsg "formed 3"
deliver "damaged compiled form" 0 && expect_in "a damaged compiled form is ignored" '/\.Formed/new/'
[ "$(head -c 8 "$FORM" | od -An -c | tr -d ' ')" = 'mrsvbin\n' ] && [ "$(stat -c %s "$FORM")" -gt 100 ] &&
  pass "the damaged compiled form is rewritten" || fail "compiled form not rewritten: $(stat -c %s "$FORM")"

# -- scripts that read only header fields get a copy of the header block
#    alone (needs.hpp), yet size sees the whole message; body still sees it
user_script 'require ["fileinto", "body"];
if size :over 100K { fileinto "Big"; stop; }
if body :contains "needle-in-the-body" { fileinto "Needle"; }'
newmsg "with body" && printf 'needle-in-the-body\n' >>"$MSG"
deliver "body test" 0 && expect_in "a body test sees the body" '/\.Needle/new/'
user_script 'require "fileinto";
if size :over 100K { fileinto "Big"; }'
newmsg "large" && head -c 150000 /dev/zero | tr '\0' 'x' | fold -w 76 >>"$MSG"
deliver "size, header-only script" 0 && expect_in "size sees the whole message, not the header copy" '/\.Big/new/'
file=$(where_is "$ID")
[ -n "$file" ] && [ "$(stat -c %s "$file")" -gt 150000 ] && pass "the stored message is whole" ||
  fail "stored message: $(stat -c %s "$file" 2>&1)"
newmsg "small"
deliver "size, small" 0 && expect_in "a small message is not Big" '/Maildir/new/'

finish
