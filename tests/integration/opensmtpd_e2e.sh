#!/usr/bin/env bash
# OpenSMTPD end to end (issue 11): Debian 12's OpenSMTPD 6.8 delivers
# through the action of contrib/opensmtpd/smtpd.conf as shipped (only the
# path of mailroom and its -c are replaced).
#
# smtpd runs in the foreground (-d) on 127.0.0.1:<free port> with the test's
# smtpd.conf (-f) and is stopped by its pid. Debian's opensmtpd conflicts
# with postfix as a package, so `scripts/setup test` unpacks it into
# /opt/mailroom-test; what smtpd finds only at compiled-in paths is made for
# the test and removed after it, unless it was there: the users opensmtpd and
# opensmtpq, /var/lib/opensmtpd/empty (its chroot), /var/spool/smtpd (its
# queue) and /usr/libexec/opensmtpd (mail.mda runs the mda command; a
# symlink to the unpacked copy). No system daemon is started.
# Proves: SMTP in, one copy in ~/Maildir with Return-Path and Delivered-To
# exactly once, both written by OpenSMTPD 6.8 itself (mailroom runs with
# add_return_path and add_delivered_to off here; with them on it sees the
# fields above OpenSMTPD's Received: and adds neither), Delivered-To naming
# the recipient as given in RCPT TO (+lists kept); user+lists@ reaches mailroom
# (detail=lists); an unwritable Maildir -> exit 75 -> TempFail, kept, and
# after `smtpctl schedule all` delivered exactly once.
TEST_NAME=opensmtpd_e2e
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/mta.sh
. "$here/lib/mta.sh"

require_root
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
ROOT=""
if [ ! -x /usr/sbin/smtpd ]; then
  ROOT="${MAILROOM_EXTRACT_DIR:-/opt/mailroom-test}/opensmtpd"
  [ -x "$ROOT/usr/sbin/smtpd" ] || skip "needs Debian's opensmtpd (scripts/setup test unpacks it)"
fi
SMTPD="$ROOT/usr/sbin/smtpd"
SMTPCTL="$ROOT/usr/sbin/smtpctl"
[ -e /var/run/smtpd.sock ] && [ -z "$ROOT" ] && skip "a system smtpd runs (its control socket is /var/run/smtpd.sock)"
find_mailroom
make_scratch
install_mailroom

# What smtpd looks for at compiled-in paths.
for u in opensmtpd opensmtpq; do
  if ! getent passwd "$u" >/dev/null; then
    retry 20 useradd -r -M -d /var/lib/opensmtpd/empty -s /usr/sbin/nologin -U "$u" || die "useradd $u"
    cleanup_add "retry 20 userdel $u; groupdel $u"
  fi
done
made_path() { [ -e "$1" ] && return 1; cleanup_add "rm -rf '$1'"; }
made_path /var/lib/opensmtpd && mkdir -p /var/lib/opensmtpd/empty
made_path /var/spool/smtpd || true
if [ -n "$ROOT" ] && made_path /usr/libexec/opensmtpd; then
  ln -s "$ROOT/usr/libexec/opensmtpd" /usr/libexec/opensmtpd
fi

# smtpctl must be setgid to the queue group, a gid this machine gives.
if [ -n "$ROOT" ]; then
  chgrp opensmtpq "$SMTPCTL" && chmod 2555 "$SMTPCTL" || die "cannot make $SMTPCTL setgid opensmtpq"
fi

make_user LU mros
LMD="$T/home/$LU/Maildir"
# mailroom adds no trace field here: whatever Return-Path and Delivered-To
# the copies carry, OpenSMTPD wrote.
printf '[deliver]\nadd_return_path = false\nadd_delivered_to = false\n\n[log]\ntarget = "syslog"\nsocket = "%s/log.sock"\n\n[auth]\ndns_server = "127.0.0.1:9"\n' "$T" >"$T/mailroom.toml"
chmod 0644 "$T/mailroom.toml"
# mailroom's log lines, as a syslog daemon would receive them.
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
import os; os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "ab", buffering=0) as out:
    while True: out.write(s.recv(65536) + b"\n")
' "$T/log.sock" "$T/mailroom.log" &
SINK=$!
cleanup_add "kill $SINK"

PORT=$(free_tcp_port)
{
  echo "listen on 127.0.0.1 port $PORT"
  grep -E '^(action|match) ' "$repo/contrib/opensmtpd/smtpd.conf" |
    sed -e "s|/usr/local/bin/mailroom deliver|$MAILROOM deliver -c $T/mailroom.toml|"
} >"$T/smtpd.conf"
"$SMTPD" -n -f "$T/smtpd.conf" >"$T/check.out" 2>&1 || die "smtpd -n: $(cat "$T/check.out")"
"$SMTPD" -d -f "$T/smtpd.conf" >"$T/smtpd.log" 2>&1 &
SMTPD_PID=$!
cleanup_add "kill $SMTPD_PID; wait $SMTPD_PID"
wait_for 15 port_open "$PORT" || die "smtpd does not listen on 127.0.0.1:$PORT: $(tail -5 "$T/smtpd.log")"
log "OpenSMTPD up on 127.0.0.1:$PORT (pid $SMTPD_PID), scratch $T"

# --- helpers -------------------------------------------------------------------
n=0
send() {
  local to=$1
  n=$((n + 1))
  TOKEN="tok$$x$n"
  write_message "$T/msg$n.eml" "$to" "$TOKEN"
  QID=$(/usr/bin/python3 "$here/lib/smtp_send.py" "$PORT" sender@example.com "$to" "$T/msg$n.eml") ||
    die "SMTP refused message $n to $to"
}
# logged QID REGEX: a delivery line of smtpd for QID matches REGEX.
logged() { grep -F "$1" "$T/smtpd.log" | grep -qE "$2"; }
wait_logged() {
  wait_for 20 logged "$1" "$2" && return 0
  fail "no '$2' for $1 in smtpd's log; last lines:"
  tail -5 "$T/smtpd.log" >&2
  return 1
}

# --- delivery --------------------------------------------------------------------
for _ in 1 2; do
  send "$LU@example.net"
  wait_logged "$QID" "result=Ok" && check_delivery "$LMD" "$TOKEN" "$LU"
done
f=$(grep -rlF "$TOKEN" "$LMD/new" | head -1)
if [ -n "$f" ]; then
  # Which of the trace fields OpenSMTPD wrote: the ones above its Received:.
  above=$(sed '/^Received:/q' "$f" | grep -iE '^(Return-Path|Delivered-To):' | tr '\n' ' ')
  log "above OpenSMTPD's Received: $above"
fi

# --- user+lists@ ------------------------------------------------------------------
send "$LU+lists@example.net"
if wait_logged "$QID" "result=Ok"; then
  check_delivery "$LMD" "$TOKEN" "$LU"
  if wait_for 5 grep -qE "delivered: msgid=<$TOKEN@example.com>.* detail=lists " "$T/mailroom.log"; then
    pass "$LU+lists@: detail=lists reached mailroom"
  else
    fail "no detail=lists for $TOKEN: $(grep -F "$TOKEN" "$T/mailroom.log")"
  fi
fi

# --- exit 75: TempFail, kept, retried once ---------------------------------------
chmod 0500 "$LMD" "$LMD/tmp" "$LMD/new" "$LMD/cur"
send "$LU@example.net"
qid=$QID
wait_logged "$qid" "result=TempFail" && pass "unwritable Maildir -> exit 75 -> TempFail"
[ "$(copies "$LMD" "$TOKEN")" -eq 0 ] || fail "$TOKEN delivered although the Maildir is unwritable"
"$SMTPCTL" show queue 2>&1 | grep -qF "$qid" || fail "$qid is not in the queue: $("$SMTPCTL" show queue 2>&1)"
chmod 0700 "$LMD" "$LMD/tmp" "$LMD/new" "$LMD/cur"
"$SMTPCTL" schedule all >"$T/schedule.out" 2>&1 || fail "smtpctl schedule all: $(cat "$T/schedule.out")"
wait_logged "$qid" "result=Ok" && check_delivery "$LMD" "$TOKEN" "$LU"
sleep 1
[ "$(grep -F "$qid" "$T/smtpd.log" | grep -c "result=Ok")" -eq 1 ] || fail "$qid delivered more than once"

/usr/bin/python3 "$here/lib/maildir_check.py" "$LMD" --expect 4 --tmp-empty >&2 || fail "Maildir layout of $LMD"
left=$("$SMTPCTL" show queue 2>&1)
[ -z "$left" ] || fail "queue not empty at the end: $left"
finish
