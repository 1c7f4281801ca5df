#!/usr/bin/env bash
# The delivery log line reaches a real syslog daemon (issue 2, "Logging"):
# a private rsyslogd listens on a socket of this test's own (log.socket),
# and what it writes down says facility mail, the right severity, our
# identity and pid, and the whole line; rsyslog stamps the time itself
# (mailroom sends none, RFC 3164 §4.3.2). A restarted daemon is found
# again, and with nothing listening a delivery still succeeds.
TEST_NAME=syslog
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd rsyslogd setpriv
find_mailroom
make_scratch
install_mailroom
make_user U mrsl
SOCK="$T/log.sock"
OUT="$T/syslog.out"
mkdir -p "$T/rsyslog"
cat >"$T/rsyslog.conf" <<CONF
global(workDirectory="$T/rsyslog")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$SOCK")
template(name="line" type="string"
         string="%timegenerated:::date-rfc3339% %syslogfacility-text%.%syslogseverity-text% %programname%[%procid%]:%msg%\n")
*.* action(type="omfile" file="$OUT" template="line")
CONF

start_rsyslog() {
  rm -f "$T/rsyslog.pid"
  rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" >>"$T/rsyslog.err" 2>&1 &
  RS_PID=$!
  cleanup_add "kill $RS_PID; wait $RS_PID"
  wait_for 10 test -S "$SOCK" || die "rsyslogd did not open $SOCK: $(cat "$T/rsyslog.err")"
  chmod 0666 "$SOCK"  # the delivery writes it after dropping to $U
}
stop_rsyslog() {
  kill "$RS_PID" 2>/dev/null
  wait "$RS_PID" 2>/dev/null
}
# logged PATTERN: the daemon wrote a line matching PATTERN (it writes
# asynchronously, so wait a little).
logged() { wait_for 10 grep -qE "$1" "$OUT"; }

deliver() {
  "$MAILROOM" deliver "${HERMETIC[@]}" -o log.target=syslog -o "log.socket=$SOCK" "$@" \
    <"$T/m.eml" 2>"$T/err"
}
printf 'From: a@example.com\nTo: %s@example.net\nSubject: logged\nMessage-ID: <sl%s@example.com>\n\nbody\n' \
  "$U" "$$" >"$T/m.eml"

start_rsyslog

# A delivery: one line, facility mail, severity info, ident[pid].
deliver -d "$U" -f s@example.com -r "$U@example.net"
rc=$?
[ "$rc" -eq 0 ] || fail "delivery: exit $rc: $(cat "$T/err")"
if logged "mail\.info mailroom\[[0-9]+\]: delivered: msgid=<sl$$@example.com> from=<s@example.com> to=<$U@example.net> user=$U folder=INBOX"; then
  pass "delivery logged as mail.info by mailroom[pid]"
else
  fail "no mail.info line for the delivery: $(cat "$OUT" 2>/dev/null)"
fi
# rsyslog stamped it (RFC 3339, its own clock): the message carried no time.
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-Z].* mail\.info mailroom' "$OUT" ||
  fail "the line has no time stamp from rsyslog: $(cat "$OUT")"

# A refused delivery (unknown user, exit 67) is logged as an error.
deliver -d "nosuchuser$$"
rc=$?
[ "$rc" -eq 67 ] || fail "unknown user: exit $rc, want 67"
if logged "mail\.err mailroom\[[0-9]+\]: not delivered \(exit 67\)"; then
  pass "refusal logged as mail.err"
else
  fail "no mail.err line for the refusal: $(cat "$OUT")"
fi

# The identity is log.ident.
deliver -d "$U" -o log.ident=mda-test
if logged "mail\.info mda-test\[[0-9]+\]: delivered"; then
  pass "log.ident names the program"
else
  fail "log.ident not used: $(cat "$OUT")"
fi

# Nothing listening: the line is lost, the delivery is not.
stop_rsyslog
rm -f "$SOCK"
before=$(count_files "$T/home/$U/Maildir/new")
deliver -d "$U"
rc=$?
after=$(count_files "$T/home/$U/Maildir/new")
if [ "$rc" -eq 0 ] && [ "$after" -eq $((before + 1)) ]; then
  pass "delivered with no syslog daemon"
else
  fail "without a daemon: exit $rc, files $before -> $after: $(cat "$T/err")"
fi

# A restarted daemon gets the next line.
start_rsyslog
deliver -d "$U" -o log.ident=after-restart
if logged "mail\.info after-restart\[[0-9]+\]: delivered"; then
  pass "a restarted daemon gets the next line"
else
  fail "nothing logged after the restart: $(cat "$OUT")"
fi

finish
