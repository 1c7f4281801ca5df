#!/usr/bin/env bash
# `mailroom lmtp` with lmtp.session_user (mailroom-lmtp(8), "Privileges"):
# each session drops to that user's uid and gid when it starts and
# delivers itself, with no worker. Two virtual users of that uid get their
# messages in their own Maildirs, owned by that uid; the session runs as
# that uid (not root), is not dumpable and has no child process; a
# recipient of another uid (a system user, a virtual user) is refused with
# 451 4.3.0 at RCPT TO and nothing is written for them; a user of the
# session's uid whose Maildir is another user's (a misconfiguration) gets
# 451 and the other Maildir is left alone (the kernel refuses);
# deliver.deadline ends the session and its connection with no reply (the
# documented trade-off), storing nothing of the late copy; a session_user
# that does not exist: 421 at the greeting; with dmarc_report.spool (files
# opened as root for each message) it is not used, with a warning. Every
# process it starts is killed by pid.
TEST_NAME=lmtp_session_user
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd /usr/bin/python3
find_mailroom
make_scratch
install_mailroom
PY=/usr/bin/python3
CLIENT="$here/lib/lmtp_client.py"
make_user A mrsa
make_user B mrsb
uid_a=$(id -u "$A")
gid_a=$(id -g "$A")
# B's Maildir exists, B's alone (0700), with one message in it.
mkdir -p "$T/home/$B/Maildir/new" "$T/home/$B/Maildir/cur" "$T/home/$B/Maildir/tmp"
echo "Subject: B's own" >"$T/home/$B/Maildir/new/1.own"
chown -R "$B:$B" "$T/home/$B/Maildir"
chmod -R go-rwx "$T/home/$B/Maildir"
mkdir -p "$T/virtual/vx" "$T/virtual/vy" "$T/virtual/vb"
chown "$A:$A" "$T/virtual/vx" "$T/virtual/vy"
chown "$B:$B" "$T/virtual/vb"
# As root the user table must be root's alone up to / (not under /tmp):
# /run. Readable by the session's user, who looks recipients up.
SAFE=$(mktemp -d /run/mailroom-lmtp-session-user.XXXXXX) || die "mktemp in /run"
cleanup_add "rm -rf '$SAFE'"
chmod 0755 "$SAFE"
{
  echo "vx:$uid_a:$gid_a:$T/virtual/vx/Maildir"
  echo "vy:$uid_a:$gid_a:$T/virtual/vy/Maildir"
  echo "vb:$(id -u "$B"):$(id -g "$B"):$T/virtual/vb/Maildir"
  # A misconfiguration on purpose: A's uid, B's Maildir.
  echo "intruder:$uid_a:$gid_a:$T/home/$B/Maildir"
} >"$SAFE/virtual"
chmod 0644 "$SAFE/virtual"
SOCK="$T/lmtp.sock"
"$MAILROOM" lmtp -c /dev/null -o log.target=stderr "${HERMETIC[@]}" -o auth.enabled=false \
  -o "users.virtual_file=$SAFE/virtual" -o "lmtp.session_user=$A" \
  -o "lmtp.listeners=unix:$SOCK" 2>"$T/lmtp.log" &
LMTP_PID=$!
cleanup_add "kill -KILL $LMTP_PID"
wait_for 10 test -S "$SOCK" || die "lmtp did not listen: $(cat "$T/lmtp.log")"
expect_line() { # OUTPUT LINE WHAT
  if grep -qxF -- "$2" <<<"$1"; then pass "$3"; else fail "$3: no '$2' in: $1"; fi
}

# One connection: vx and vy in one transaction; while it is open, what the
# session process is (uid, owner of its /proc entry, children); then B,
# vb and intruder, each in a transaction of its own.
$PY - "$SOCK" "$LMTP_PID" "$B" >"$T/client.out" 2>&1 <<'PY'
import os, smtplib, subprocess, sys
sock, server, b = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]
def message(n):
    return f"Subject: s{n}\r\nMessage-ID: <s{n}@session.example>\r\n\r\nbody {n}\r\n".encode()
c = smtplib.LMTP(sock)
c.ehlo()
c.mail("s@example.org")
c.rcpt("vx@example.net")
c.rcpt("vy@example.net")
code, _ = c.data(message(1))
print("two virtual users", code, c.getreply()[0])
sessions = children(server)
print("sessions", len(sessions))
session = sessions[0]
status = dict(line.split(":", 1) for line in open(f"/proc/{session}/status").read().splitlines())
print("session uids", *status["Uid"].split())
print("session gids", *status["Gid"].split())
# As the session's own user: reading its environment (ptrace access) is
# refused only because it is not dumpable.
uid = int(status["Uid"].split()[0])
gid = int(status["Gid"].split()[0])
peek = subprocess.run(["cat", f"/proc/{session}/environ"], user=uid, group=gid, extra_groups=[],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("user reads the session", "refused" if peek.returncode != 0 else "allowed")
print("session children", len(children(session)))
for rcpt, n in ((b + "@example.net", 2), ("vb@example.net", 3), ("intruder@example.net", 4)):
    c.mail("s@example.org")
    code, text = c.rcpt(rcpt)
    if code == 250:
        code, text = c.data(message(n))
    print(rcpt.split("@")[0], code, text.decode().split(" ")[0])
c.mail("s@example.org")
c.rcpt("vx@example.net")
print("vx again", c.data(message(5))[0])
c.quit()
PY
out=$(cat "$T/client.out")
expect_line "$out" "two virtual users 250 250" "two virtual users of session_user's uid: 250 each"
expect_line "$out" "sessions 1" "one session process"
expect_line "$out" "session uids $uid_a $uid_a $uid_a $uid_a" "the session runs as $A's uid, not root"
expect_line "$out" "session gids $gid_a $gid_a $gid_a $gid_a" "the session runs as $A's gid"
expect_line "$out" "user reads the session refused" \
  "the session is not dumpable: its own user cannot read its environment"
expect_line "$out" "session children 0" "no worker: the session delivers itself"
expect_line "$out" "$B 451 4.3.0" "a system user of another uid: 451 4.3.0 at RCPT TO"
expect_line "$out" "vb 451 4.3.0" "a virtual user of another uid: 451 4.3.0 at RCPT TO"
expect_line "$out" "intruder 451 4.3.0" "session_user's uid naming B's Maildir: 451, not delivered"
expect_line "$out" "vx again 250" "the connection goes on: the next message 250"
for v in vx vy; do
  f=$(grep -l '^Message-ID: <s1@session.example>$' "$T/virtual/$v/Maildir/new"/* 2>/dev/null)
  [ -n "$f" ] && [ "$(stat -c %U "$f")" = "$A" ] && pass "$v's copy in $v's Maildir, owned by $A" ||
    fail "$v: $(ls -lR "$T/virtual/$v" 2>&1)"
done
[ "$(count_files "$T/virtual/vx/Maildir/new")" = 2 ] && pass "vx has its two messages" ||
  fail "vx has $(count_files "$T/virtual/vx/Maildir/new")"
[ ! -e "$T/virtual/vb/Maildir" ] && pass "nothing made for vb" || fail "vb: $(ls -R "$T/virtual/vb")"
[ "$(ls "$T/home/$B/Maildir/new")" = 1.own ] && [ -z "$(ls -A "$T/home/$B/Maildir/tmp")" ] &&
  pass "B's Maildir is as it was" || fail "B's Maildir changed: $(ls -R "$T/home/$B/Maildir")"
grep -q "not lmtp.session_user's uid" "$T/lmtp.log" && pass "a recipient of another uid is logged" ||
  fail "no log line for the other uid: $(tail -5 "$T/lmtp.log")"
kill -TERM "$LMTP_PID"
wait_for 10 bash -c "! kill -0 $LMTP_PID 2>/dev/null" || fail "server still running after SIGTERM"

# -- the trade-off of delivering in the session: deliver.deadline (3 s)
# ends the session and its connection. vx is delivered first, then A's
# delivery blocks (A's spam list is a FIFO nobody writes): no reply comes,
# A's message is not stored and nothing is left in A's tmp/; vx's copy
# stays (the MTA's retry of the whole transaction makes a second one
# unless the delivery record knows it); the next connection is served.
mkdir -p "$T/home/$A/.mailroom"
mkfifo "$T/home/$A/.mailroom/spam-lists"
chown -R "$A:$A" "$T/home/$A/.mailroom"
"$MAILROOM" lmtp -c /dev/null -o log.target=stderr "${HERMETIC[@]}" -o auth.enabled=false \
  -o "users.virtual_file=$SAFE/virtual" -o "lmtp.session_user=$A" -o deliver.deadline=3s \
  -o "lmtp.listeners=unix:$T/deadline.sock" 2>>"$T/lmtp.log" &
DEADLINE_PID=$!
cleanup_add "kill -KILL $DEADLINE_PID"
wait_for 10 test -S "$T/deadline.sock" || die "third lmtp did not listen"
$PY - "$T/deadline.sock" "$A" >"$T/deadline.out" 2>&1 <<'PY'
import smtplib, sys, time
sock, a = sys.argv[1], sys.argv[2]
c = smtplib.LMTP(sock)
c.ehlo()
c.mail("s@example.org"); c.rcpt("vx@example.net"); c.rcpt(a + "@example.net")
started = time.time()
try:
    code, _ = c.data(b"Subject: late\r\nMessage-ID: <late@session.example>\r\n\r\nx\r\n")
    print("reply", code, c.getreply()[0])
except smtplib.SMTPServerDisconnected:
    print("closed", "within 10s" if time.time() - started < 10 else "later")
c = smtplib.LMTP(sock)
c.ehlo()
c.mail("s@example.org"); c.rcpt("vx@example.net")
print("next connection", c.data(b"Subject: next\r\n\r\nx\r\n")[0])
c.quit()
PY
out=$(cat "$T/deadline.out")
expect_line "$out" "closed within 10s" "deliver.deadline in the session: the connection ends, no reply"
expect_line "$out" "next connection 250" "the next connection is served"
grep -lq '^Message-ID: <late@session.example>$' "$T/home/$A/Maildir/new"/* 2>/dev/null &&
  fail "A's message past its deadline was stored" || pass "A's message past its deadline is not stored"
[ -z "$(ls -A "$T/home/$A/Maildir/tmp" 2>/dev/null)" ] && pass "nothing left in A's tmp/" ||
  fail "left in A's tmp/: $(ls "$T/home/$A/Maildir/tmp")"
grep -lq '^Message-ID: <late@session.example>$' "$T/virtual/vx/Maildir/new"/* &&
  pass "vx's copy, made before the deadline, stays" || fail "vx's copy of the late message is gone"
rm -f "$T/home/$A/.mailroom/spam-lists"
kill -TERM "$DEADLINE_PID"
wait_for 10 bash -c "! kill -0 $DEADLINE_PID 2>/dev/null" || fail "third server still running"

# -- not used where deliver needs files opened as root for each message
# (dmarc_report.spool with auth on): a warning at start, and the session
# stays root and delivers each recipient in a process of its own.
mkdir -p "$SAFE/spool"
"$MAILROOM" lmtp -c /dev/null -o log.target=stderr "${HERMETIC[@]}" \
  -o "users.virtual_file=$SAFE/virtual" -o "lmtp.session_user=$A" \
  -o "dmarc_report.spool=$SAFE/spool" -o "lmtp.listeners=unix:$T/spool.sock" 2>"$T/spool.log" &
SPOOL_PID=$!
cleanup_add "kill -KILL $SPOOL_PID"
wait_for 10 test -S "$T/spool.sock" || die "fourth lmtp did not listen: $(cat "$T/spool.log")"
$PY - "$T/spool.sock" "$SPOOL_PID" >"$T/spool.out" 2>&1 <<'PY'
import smtplib, sys
sock, server = sys.argv[1], int(sys.argv[2])
c = smtplib.LMTP(sock)
c.ehlo()
c.mail("s@example.org"); c.rcpt("vy@example.net")
print("vy", c.data(b"Subject: spool\r\n\r\nx\r\n")[0])
session = int(open(f"/proc/{server}/task/{server}/children").read().split()[0])
print("session uid", open(f"/proc/{session}/status").read().split("Uid:")[1].split()[0])
c.quit()
PY
out=$(cat "$T/spool.out")
expect_line "$out" "vy 250" "with dmarc_report.spool: delivered (in a process of its own)"
expect_line "$out" "session uid 0" "with dmarc_report.spool: the session stays root"
grep -q "lmtp.session_user $A not used" "$T/spool.log" && pass "session_user not used: a warning" ||
  fail "no warning: $(cat "$T/spool.log")"
kill -TERM "$SPOOL_PID"
wait_for 10 bash -c "! kill -0 $SPOOL_PID 2>/dev/null" || fail "fourth server still running"

# -- a session_user that does not exist: 421 in place of the greeting
"$MAILROOM" lmtp -c /dev/null -o log.target=stderr "${HERMETIC[@]}" -o auth.enabled=false \
  -o "lmtp.session_user=nosuchuser$$" -o "lmtp.listeners=unix:$T/none.sock" 2>>"$T/lmtp.log" &
NONE_PID=$!
cleanup_add "kill -KILL $NONE_PID"
wait_for 10 test -S "$T/none.sock" || die "second lmtp did not listen"
greeting=$($PY -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(s.recv(200).decode().split(" ")[0])' "$T/none.sock")
[ "$greeting" = 421 ] && pass "an unknown session_user: 421 at the greeting" || fail "greeting: $greeting"
kill -TERM "$NONE_PID"
wait_for 10 bash -c "! kill -0 $NONE_PID 2>/dev/null" || fail "second server still running"
grep -qE 'AddressSanitizer|runtime error' "$T/lmtp.log" && fail "sanitizer output in the log"
finish
