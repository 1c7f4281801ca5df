#!/usr/bin/env bash
# deliver sends what Sieve asks it to (issue 13): a vacation reply reaches
# the recording sendmail once, from <> with Auto-Submitted and our loop
# field, and not again within :days (the per-user LMDB store); no reply to
# list mail, to MAILER-DAEMON or to mail not addressed to the user; a mailto
# notification with Auto-Submitted: auto-notified; :fcc copies; the
# duplicate store survives across deliveries and marks an id only once the
# delivery succeeded (RFC 7352 §3.1); sieve.max_outgoing caps what one
# delivery sends.
TEST_NAME=deliver_vacation
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
find_mailroom
make_scratch
install_mailroom
make_user U mrvac
HOMEU="$T/home/$U"
MD="$HOMEU/Maildir"
RCPT="$U@example.net"

# The recording sendmail: argv one per line, then the message.
recording_sendmail "$U"

COMMON=("${HERMETIC[@]}" -o log.target=stderr -o maildir.fsync=false -o auth.enabled=false
  -o "sieve.sendmail=$T/bin/sendmail-rec -oi -f %f -- %a")
n=0
newmsg() { # newmsg FROM SUBJECT [EXTRA HEADER LINES] [MESSAGE-ID]
  n=$((n + 1))
  ID=${4:-"vac$$x$n"}
  { printf '%s' "${3:-}"; printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s@example.com>\n\nbody %s %s\n' "$1" "$RCPT" "$2" "$ID" "$ID" "$n"; } >"$T/m$n.eml"
  MSG="$T/m$n.eml"
}
user_script() { printf '%s\n' "$1" >"$HOMEU/.dovecot.sieve"; chown "$U" "$HOMEU/.dovecot.sieve"; }
sent_count() { ls "$SENT" | wc -l; }
# deliver NAME SENDER [ARGS...]: exit 0 wanted
deliver() {
  local name=$1 sender=$2 rc=0
  shift 2
  "$MAILROOM" deliver "${COMMON[@]}" -d "$U" -f "$sender" -r "$RCPT" "$@" <"$MSG" >"$T/out" 2>"$T/err" || rc=$?
  [ "$rc" -eq 0 ] || { fail "$name: exit $rc: $(head -c 400 "$T/err")"; return 1; }
}
# expect_sent NAME COUNT-BEFORE WANT-NEW
expect_sent() {
  local now
  now=$(sent_count)
  if [ "$((now - $2))" -eq "$3" ]; then pass "$1"; else fail "$1: $((now - $2)) sent, want $3; $(cat "$T/err")"; fi
}

user_script 'require ["vacation", "fcc", "mailbox", "imap4flags"];
vacation :days 3 :subject "Absent — de retour lundi" :fcc "Sent" :create :flags "\\Seen"
  "Je suis absent. Réponse dès mon retour.";'

# -- the first message from a person gets one reply, built per RFC 5230 §5
newmsg "Alice <alice@example.org>" "Lunch?"
before=$(sent_count)
if deliver "vacation" alice@example.org; then
  reply="$SENT/$before"
  /usr/bin/python3 - "$reply" "$RCPT" "$ID" <<'PY' && pass "vacation reply: <> sender, threading, Auto-Submitted, RFC 2047 subject, UTF-8 body" || fail "vacation reply: $(cat "$reply")"
import email, email.policy, sys
path, rcpt, msgid = sys.argv[1:]
argv, _, text = open(path, encoding="utf-8").read().partition("----\n")
argv = argv.split("\n")
# MAIL FROM:<> (RFC 5230 §5 / RFC 3834 §3.3): "-f" then the empty sender
assert argv[argv.index("-f") + 1] == "", argv
assert argv[-2] == "alice@example.org", argv
m = email.message_from_string(text, policy=email.policy.default)
assert m["Auto-Submitted"] == "auto-replied", m["Auto-Submitted"]
assert m["In-Reply-To"] == "<%s@example.com>" % msgid, m["In-Reply-To"]
assert m["X-Mailroom-Loop"] == "<%s>" % rcpt
assert m["Subject"] == "Absent — de retour lundi", m["Subject"]
assert "=?UTF-8?B?" in text
assert m.get_content_type() == "text/plain" and m.get_content_charset() == "utf-8"
assert m.get_content().strip() == "Je suis absent. Réponse dès mon retour.", m.get_content()
PY
  # RFC 8580: the copy in Sent, created, \Seen
  ls "$MD/.Sent/cur/"*":2,S" >/dev/null 2>&1 || ls "$MD/.Sent/new/"* >/dev/null 2>&1 &&
    grep -qs "Auto-Submitted: auto-replied" "$MD"/.Sent/*/* && pass "vacation :fcc stores the reply in Sent" ||
    fail ":fcc: $(ls -R "$MD" | head -20) $(cat "$T/err")"
  grep -q "vacation reply to <alice@example.org>" "$T/err" && pass "the log line names the reply" ||
    fail "log: $(cat "$T/err")"
  [ -f "$MD/../.mailroom/sieve-store/data.mdb" ] || [ -f "$HOMEU/.mailroom/sieve-store/data.mdb" ] &&
    pass "the response store is ~/.mailroom/sieve-store" || fail "no store: $(ls -la "$HOMEU/.mailroom" 2>&1)"
fi

# -- not again within :days (the store is read by the next delivery)
newmsg "Alice <alice@example.org>" "Again"
before=$(sent_count)
deliver "vacation again" alice@example.org && expect_sent "no second reply to the same sender within :days" "$before" 0
grep -q "already answered" "$T/err" || fail "second reply: the log does not say why: $(cat "$T/err")"

# -- another sender does get one
newmsg "carol@example.org" "Hi"
before=$(sent_count)
deliver "vacation other sender" carol@example.org && expect_sent "another sender gets its own reply" "$before" 1

# -- RFC 3834: no reply to list mail, bulk, MAILER-DAEMON, auto-replies, loops, Bcc
for case in "list|dave@example.org|List-Id: <l.example.org>\n" \
  "bulk|erin@example.org|Precedence: bulk\n" \
  "auto|frank@example.org|Auto-Submitted: auto-replied\n" \
  "daemon|MAILER-DAEMON@example.org|" \
  "noreply|noreply@example.org|" \
  "loop|gina@example.org|X-Mailroom-Loop: <$RCPT>\n"; do
  IFS='|' read -r name sender extra <<<"$case"
  newmsg "$sender" "case $name" "$(printf "$extra")
"
  [ -z "$extra" ] && newmsg "$sender" "case $name"
  before=$(sent_count)
  deliver "vacation $name" "$sender" && expect_sent "no vacation reply: $name" "$before" 0
done
# not addressed to the user (a Bcc or an alias): RFC 5230 §4.5
n=$((n + 1)); MSG="$T/m$n.eml"
printf 'From: hank@example.org\nTo: someone@example.org\nSubject: bcc\n\nbody\n' >"$MSG"
before=$(sent_count)
deliver "vacation bcc" hank@example.org && expect_sent "no vacation reply to mail not addressed to the user" "$before" 0
# the null sender
newmsg "ivan@example.org" "bounce"
before=$(sent_count)
"$MAILROOM" deliver "${COMMON[@]}" -d "$U" -f "" -r "$RCPT" <"$MSG" >"$T/out" 2>"$T/err" &&
  expect_sent "no vacation reply to the null sender" "$before" 0

# -- notify (mailto): Auto-Submitted: auto-notified, not for auto-submitted mail
user_script 'require ["enotify", "fcc"];
notify :importance "1" :fcc "Notes" "mailto:pager@example.com?subject=New%20mail";'
newmsg "alice@example.org" "ping"
before=$(sent_count)
if deliver "notify" alice@example.org; then
  note="$SENT/$before"
  grep -qx "pager@example.com" "$note" && grep -qx "Auto-Submitted: auto-notified" "$note" &&
    grep -qx "Subject: New mail" "$note" && grep -qx "Importance: high" "$note" &&
    grep -qx "$RCPT" "$note" && grep -qs "Auto-Submitted: auto-notified" "$MD"/.Notes/new/* &&
    pass "notify sends a mailto notification (and its :fcc copy)" || fail "notify: $(cat "$note" 2>&1) $(cat "$T/err")"
fi
# :fcc :specialuse (RFC 8579 §4.1): the copy goes where maildir.special_use
# puts the attribute, not to the folder :fcc names.
user_script 'require ["enotify", "fcc", "special-use"];
notify :fcc "Notes" :specialuse "\\Sent" "mailto:pager@example.com";'
newmsg "alice@example.org" "ping su"
mkdir -p "$MD/.Outbox/cur" "$MD/.Outbox/new" "$MD/.Outbox/tmp" && chown -R "$U" "$MD/.Outbox"
if deliver "notify fcc specialuse" alice@example.org -o 'maildir.special_use=["\\Sent=Outbox"]'; then
  grep -qs "Auto-Submitted: auto-notified" "$MD"/.Outbox/new/* &&
    ! grep -qs "ping su" "$MD"/.Notes/new/* &&
    pass ":fcc :specialuse stores the copy in the folder mapped to \\Sent" ||
    fail ":fcc :specialuse: $(ls -R "$MD" | head -30) $(cat "$T/err")"
fi
newmsg "alice@example.org" "auto" "Auto-Submitted: auto-generated
"
before=$(sent_count)
deliver "notify auto" alice@example.org && expect_sent "no notification about auto-submitted mail" "$before" 0

# -- duplicate: the store survives across deliveries
user_script 'require ["duplicate", "fileinto"];
if duplicate { fileinto "Dups"; }'
newmsg "alice@example.org" "dup one" "" "dup$$"
deliver "duplicate first" alice@example.org
[ -z "$(grep -rlsF "dup one" "$MD/.Dups")" ] && grep -rlsqF "dup one" "$MD/new" &&
  pass "duplicate: the first copy is kept" || fail "duplicate first: $(ls -R "$MD" | head)"
newmsg "alice@example.org" "dup two" "" "dup$$"
deliver "duplicate second" alice@example.org
grep -rlsqF "dup two" "$MD/.Dups" && pass "duplicate: the same Message-ID again goes to Dups" ||
  fail "duplicate second: $(cat "$T/err")"
# §3.1: an id is marked only when the delivery succeeded: a refused delivery
# (reject) marks nothing, so the retry of the id is not a duplicate.
user_script 'require ["duplicate", "fileinto", "reject"];
if duplicate :uniqueid "u1" { fileinto "Dups"; stop; }
if header :contains "Subject" "refuse" { reject "no"; }'
newmsg "alice@example.org" "refuse this"
"$MAILROOM" deliver "${COMMON[@]}" -d "$U" -f alice@example.org -r "$RCPT" <"$MSG" >"$T/out" 2>"$T/err"
rc=$?
newmsg "alice@example.org" "u1 after refusal"
deliver "duplicate after refusal" alice@example.org
[ "$rc" -eq 77 ] && ! grep -rlsqF "u1 after refusal" "$MD/.Dups" &&
  pass "duplicate: a refused delivery marks nothing (RFC 7352 §3.1)" || fail "refused then dup: rc=$rc $(cat "$T/err")"

# -- sieve.max_outgoing caps what one delivery sends
user_script 'require ["enotify", "copy"];
notify "mailto:n1@example.com"; notify "mailto:n2@example.com"; notify "mailto:n3@example.com";
redirect :copy "r1@example.com";'
newmsg "alice@example.org" "cap"
before=$(sent_count)
deliver "max_outgoing" alice@example.org -o sieve.max_outgoing=2 && expect_sent "sieve.max_outgoing=2: two messages sent" "$before" 2
grep -q "max_outgoing" "$T/err" && pass "the dropped ones are logged" || fail "cap log: $(cat "$T/err")"

# -- mailroom sieve test: a dry run that explains and writes no store
data="$here/../data/sieve"
printf 'require ["vacation", "duplicate", "fileinto"];\nif duplicate :uniqueid "u7" { fileinto "Dup"; }\nvacation "away";\n' >"$T/dry.sieve"
mkdir -p "$T/dryhome"
HOME="$T/dryhome" "$MAILROOM" sieve test -f alice@example.org -r bob@example.net "$T/dry.sieve" "$data/messages/list.eml" >"$T/dry.out" 2>&1
grep -q '^vacation :seconds 604800 "away" (line 3)$' "$T/dry.out" && grep -q "^  not sent: Precedence: bulk$" "$T/dry.out" &&
  pass "sieve test: vacation is listed with why delivery would not send it" || fail "sieve test text: $(cat "$T/dry.out")"
HOME="$T/dryhome" "$MAILROOM" sieve test --json --duplicate u7 -f alice@example.org -r bob@example.net "$T/dry.sieve" "$data/messages/plain.eml" >"$T/dry.json" 2>&1
grep -q '"action":"fileinto","folder":"Dup"' "$T/dry.json" && grep -q '"action":"vacation"' "$T/dry.json" &&
  pass "sieve test --duplicate: the id counts as seen" || fail "sieve test --duplicate: $(cat "$T/dry.json")"
[ -z "$(ls -A "$T/dryhome")" ] && pass "sieve test writes no store" || fail "dry run wrote: $(ls -R "$T/dryhome")"

finish
