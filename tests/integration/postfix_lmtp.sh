#!/usr/bin/env bash
# A real Postfix delivers through `mailroom lmtp` (issue 16): a private
# Postfix (ORACLES.md) with contrib/postfix/lmtp-main.cf as shipped
# (virtual_transport = lmtp:unix:SOCKET, the path replaced) for
# example.org and a transport_maps entry lmtp:inet:127.0.0.1:PORT for
# example.com, lmtp_send_xforward_command = yes. Checked: delivery over
# both, once each, owned by the user; an unknown user bounces 5.1.1; a
# kill -9 of the LMTP server (listener and session) while a delivery is
# under way: Postfix defers the message, and after a restart and a flush
# the message is in the Maildir exactly once, even though the orphaned
# delivery process had linked it before Postfix saw any reply.
TEST_NAME=postfix_lmtp
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/mta.sh
. "$here/lib/mta.sh"
# shellcheck source=lib/postfix.sh
. "$here/lib/postfix.sh"

require_root
require_cmd postfix postconf postqueue useradd
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
find_mailroom
make_scratch
install_mailroom
make_user U mrpl
make_user K mrpk  # its delivery blocks on a FIFO until the test unblocks it
mkdir -p "$T/home/$K/.mailroom" && mkfifo "$T/home/$K/.mailroom/spam-lists"
chown -R "$K:$K" "$T/home/$K/.mailroom"

SOCK="$T/lmtp.sock"
LPORT=$(free_tcp_port)
PORT=$(free_tcp_port)
start_lmtp() {
  "$MAILROOM" lmtp -c /dev/null "${HERMETIC[@]}" -o log.target=stderr -o auth.enabled=false \
    -o "lmtp.listeners=unix:$SOCK,lmtp://127.0.0.1:$LPORT" -o lmtp.socket_group=postfix \
    2>>"$T/lmtp.log" &
  LMTP_PID=$!
  cleanup_add "kill -KILL $LMTP_PID"
  wait_for 10 test -S "$SOCK" && wait_for 10 port_open "$LPORT" ||
    die "lmtp did not listen: $(cat "$T/lmtp.log")"
}
start_lmtp

E="$T/etc"
postfix_configure "$E"
# contrib/postfix/lmtp-main.cf as shipped (the socket path replaced), then
# a second domain routed over TCP.
sed -e "s|/run/mailroom/lmtp|$SOCK|" "$repo/contrib/postfix/lmtp-main.cf" >>"$E/main.cf"
postconf -c "$E" -e "virtual_mailbox_domains = example.org, example.com"
cat >>"$E/main.cf" <<EOF
smtpd_reject_unlisted_recipient = no
transport_maps = inline:{example.com=lmtp:inet:127.0.0.1:$LPORT}
EOF
postfix_run "$E" "$PORT"

send() { # TO TOKEN -> QID
  write_message "$T/$2.eml" "$1" "$2"
  /usr/bin/python3 "$here/lib/smtp_send.py" "$PORT" sender@example.com "$1" "$T/$2.eml"
}
MD="$T/home/$U/Maildir"

qid=$(send "$U@example.org" tok-unix) || die "Postfix refused tok-unix"
postfix_wait "$qid" "$U@example.org" sent && pass "lmtp:unix: status=sent"
grep -F "$qid: to=<$U@example.org>" "$T/maillog" | grep -q 'relay=.*lmtp.sock' &&
  pass "relay is the LMTP socket" || fail "relay: $(grep -F "$qid" "$T/maillog" | tail -1)"
check_delivery "$MD" tok-unix "$U"
grep -q "xforward=127.0.0.1" "$T/lmtp.log" && pass "XFORWARD gave the SMTP client's address" ||
  fail "no XFORWARD address logged: $(tail -3 "$T/lmtp.log")"

qid=$(send "$U@example.com" tok-inet) || die "Postfix refused tok-inet"
postfix_wait "$qid" "$U@example.com" sent && pass "lmtp:inet: status=sent"
check_delivery "$MD" tok-inet "$U"

qid=$(send "nobody-$$@example.org" tok-unknown) || die "Postfix refused tok-unknown"
postfix_wait "$qid" "nobody-$$@example.org" bounced &&
  grep -F "$qid: to=<nobody-$$@example.org>" "$T/maillog" | grep -q 'dsn=5.1.1' &&
  pass "unknown user: bounced 5.1.1"

# --- kill -9 mid-transaction -------------------------------------------------
qid=$(send "$K@example.org" tok-kill) || die "Postfix refused tok-kill"
session=""
child=""
find_child() {
  session=$(pgrep -P "$LMTP_PID" | head -1)
  [ -n "$session" ] && child=$(pgrep -P "$session" -u "$K" | head -1) && [ -n "$child" ]
}
wait_for 20 find_child || die "no delivery process for $K: $(tail -5 "$T/lmtp.log")"
kill -KILL "$LMTP_PID" "$session"
# The orphaned delivery goes on: it links the copy, with nobody to tell.
echo >"$T/home/$K/.mailroom/spam-lists"
wait_for 20 bash -c "! kill -0 $child 2>/dev/null" || fail "delivery process $child still running"
[ "$(copies "$T/home/$K/Maildir" tok-kill)" = 1 ] && pass "the orphan linked one copy" ||
  fail "$(copies "$T/home/$K/Maildir" tok-kill) copies after the kill"
postfix_wait "$qid" "$K@example.org" deferred && pass "Postfix deferred the message after the kill"
rm -f "$T/home/$K/.mailroom/spam-lists"
start_lmtp
postqueue -c "$E" -f
postfix_wait "$qid" "$K@example.org" sent && pass "after the restart Postfix's retry is accepted"
[ "$(copies "$T/home/$K/Maildir" tok-kill)" = 1 ] && pass "delivered exactly once across kill -9" ||
  fail "$(copies "$T/home/$K/Maildir" tok-kill) copies after the retry"
finish
