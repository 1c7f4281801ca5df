#!/usr/bin/env bash
# `mailroom lmtp`'s per-uid delivery workers (issue 16): a session delivers
# every message of one uid through one long-lived worker that runs as that
# uid (not root), two users get two workers with their own uids and
# Maildirs, and a worker killed mid-message fails only its recipient with
# 451 4.3.0: the message is not stored, the MTA's retry stores it once, and
# the next message gets a new worker; with log.target = syslog a worker's
# lines reach the syslog socket; each delivery in a worker has its own
# deadline; a user removed or added during a session is seen at the next
# RCPT TO. Every process it starts is killed by pid.
TEST_NAME=lmtp_worker
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd /usr/bin/python3
find_mailroom
make_scratch
install_mailroom
PY=/usr/bin/python3
make_user A mrwa
make_user B mrwb
make_user C mrwc
make_user D mrwd
make_user E mrwe
SOCK="$T/lmtp.sock"
"$MAILROOM" lmtp -c /dev/null -o log.target=stderr "${HERMETIC[@]}" -o auth.enabled=false \
  -o "lmtp.listeners=unix:$SOCK" 2>"$T/lmtp.log" &
LMTP_PID=$!
cleanup_add "kill -KILL $LMTP_PID"
wait_for 10 test -S "$SOCK" || die "lmtp did not listen: $(cat "$T/lmtp.log")"

# One session: three messages to A, one to A and B; then, with A's worker
# stopped (SIGSTOP) before DATA, it is killed (SIGKILL) while the message
# waits in it; the same message again (the MTA's retry), and one more.
# Prints what the test checks: pids and uids of the workers, every reply.
$PY - "$SOCK" "$A" "$B" "$LMTP_PID" >"$T/client.out" 2>&1 <<'PY'
import os, pwd, signal, smtplib, sys, time
sock, a, b, server = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def workers():
    """Grandchildren of the server (its sessions' children): pid -> uid."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = open(f"/proc/{pid}/status").read()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        ppid = int(fields["PPid"])
        try:
            grand = int(open(f"/proc/{ppid}/status").read().split("PPid:")[1].split()[0])
        except (OSError, IndexError):
            continue
        if grand == server:
            found[int(pid)] = int(fields["Uid"].split()[0])
    return found

def message(n):
    return f"Subject: w{n}\r\nMessage-ID: <w{n}@worker.example>\r\n\r\nbody {n}\r\n".encode()

c = smtplib.LMTP(sock)
c.ehlo()
seen = set()
for n in range(3):
    c.mail("s@example.org"); c.rcpt(a + "@example.net")
    print("send", n, c.data(message(n))[0])
    seen |= set(workers().items())
print("workers after three to A:", " ".join(f"{p}:{u}" for p, u in sorted(seen)))
c.mail("s@example.org"); c.rcpt(a + "@example.net"); c.rcpt(b + "@example.net")
code, _ = c.data(message(3))
print("two users", code, c.getreply()[0])
print("workers after A and B:", " ".join(f"{p}:{u}" for p, u in sorted(workers().items())))
uid_a = pwd.getpwnam(a).pw_uid
victim = [p for p, u in workers().items() if u == uid_a][0]
os.kill(victim, signal.SIGSTOP)
c.mail("s@example.org"); c.rcpt(a + "@example.net")
c.putcmd("data")
print("354", c.getreply()[0])
c.send(message(4).replace(b"\r\n.", b"\r\n..") + b".\r\n")
time.sleep(0.5)  # the session has handed the message to the stopped worker
os.kill(victim, signal.SIGKILL)
code, text = c.getreply()
print("killed", code, text.decode().split(" ")[0])
c.mail("s@example.org"); c.rcpt(a + "@example.net")
print("retry", c.data(message(4))[0])
new = [p for p, u in workers().items() if u == uid_a]
print("new worker", "yes" if new and new[0] != victim else "no")
c.mail("s@example.org"); c.rcpt(a + "@example.net")
print("after", c.data(message(5))[0])
c.quit()
PY
out=$(cat "$T/client.out")
expect_line() { # OUTPUT LINE WHAT
  if grep -qxF -- "$2" <<<"$1"; then pass "$3"; else fail "$3: no '$2' in: $1"; fi
}
uid_a=$(id -u "$A")
uid_b=$(id -u "$B")
for n in 0 1 2; do expect_line "$out" "send $n 250" "message $n to A: 250"; done
line=$(grep '^workers after three to A:' <<<"$out")
set -- ${line#workers after three to A:}
[ $# = 1 ] && [ "${1#*:}" = "$uid_a" ] &&
  pass "three messages to A: one worker, running as A's uid ($uid_a), not root" ||
  fail "workers for three messages to A (pid:uid): $*"
expect_line "$out" "two users 250 250" "A and B in one transaction: 250 each"
line=$(grep '^workers after A and B:' <<<"$out")
uids=$(tr ' ' '\n' <<<"${line#workers after A and B:}" | sed -n 's/.*://p' | sort -n | tr '\n' ' ')
want=$(printf '%s\n' "$uid_a" "$uid_b" | sort -n | tr '\n' ' ')
[ "$uids" = "$want" ] && pass "A and B: a worker each, with their own uids" ||
  fail "worker uids '$uids', want '$want'"
expect_line "$out" "354 354" "DATA accepted while A's worker is stopped"
expect_line "$out" "killed 451 4.3.0" "worker killed mid-message: 451 4.3.0 for its recipient"
expect_line "$out" "retry 250" "the MTA's retry of that message: 250"
expect_line "$out" "new worker yes" "a new worker took the killed one's place"
expect_line "$out" "after 250" "the next message: 250"
copies=$(grep -l '^Message-ID: <w4@worker.example>$' "$T/home/$A/Maildir/new"/* | wc -l)
[ "$copies" = 1 ] && pass "the message of the killed worker is stored once" ||
  fail "the killed worker's message is stored $copies times"
[ "$(count_files "$T/home/$A/Maildir/new")" = 6 ] && pass "A has six messages" ||
  fail "A has $(count_files "$T/home/$A/Maildir/new") messages"
[ "$(count_files "$T/home/$B/Maildir/new")" = 1 ] && pass "B has one message, in B's Maildir" ||
  fail "B has $(count_files "$T/home/$B/Maildir/new") messages"
[ -z "$(find "$T/home/$A/Maildir/tmp" -type f)" ] && pass "nothing left in A's tmp/" ||
  fail "left in tmp/: $(ls "$T/home/$A/Maildir/tmp")"
bad=$(find "$T/home/$A/Maildir" "$T/home/$B/Maildir" -type f ! -user "$A" ! -user "$B")
[ -z "$bad" ] && pass "every stored file belongs to its user" || fail "not the user's: $bad"
grep -q 'ended without a report' "$T/lmtp.log" && pass "the lost worker is logged" ||
  fail "no log line for the lost worker: $(tail -5 "$T/lmtp.log")"

# -- a transaction to five users: each is delivered, and the session keeps
# only the four most recently used workers (WorkerPool::kMaxKept), not a
# process per user it ever delivered to.
$PY - "$SOCK" "$LMTP_PID" "$A" "$B" "$C" "$D" "$E" >"$T/five.out" 2>&1 <<'PY'
import os, smtplib, sys
sock, server, users = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def workers():
    found = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            ppid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
            grand = int(open(f"/proc/{ppid}/stat").read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        found += grand == server
    return found
c = smtplib.LMTP(sock)
c.ehlo()
c.mail("s@example.org")
for user in users:
    c.rcpt(user + "@example.net")
code, _ = c.data(b"Subject: five\r\n\r\nx\r\n")
print("replies", code, *[c.getreply()[0] for _ in users[1:]])
print("workers kept", workers())
c.quit()
PY
out=$(cat "$T/five.out")
expect_line "$out" "replies 250 250 250 250 250" "five users in one transaction: 250 each"
expect_line "$out" "workers kept 4" "the session keeps four workers, not five"
# -- a thousand recipients of one uid in one transaction: each gets its
# 250. The session sends requests without blocking and reads the worker's
# reports when its queue is full; before, the session blocked in sendmsg
# while the worker blocked sending reports nobody read, and the
# transaction hung (at 1000 recipients with the message as a memfd, at
# 400 once small messages went in the request).
# -- and a message too large for the request (over 64 KiB, NUL bytes in
# it), to two uids: each gets the sealed memfd, and both copies are the
# message as sent (CRLF stored as LF).
$PY - "$SOCK" "$C" "$D" "$E" "$T/home" >"$T/many.out" 2>&1 <<'PY'
import glob, smtplib, sys, time
sock, c_user, d_user, e_user, homes = sys.argv[1:]
c = smtplib.LMTP(sock)
c.sock.settimeout(60)
c.ehlo()
c.mail("s@example.org")
for _ in range(1000):
    c.rcpt(c_user + "@example.net")
try:
    codes = [c.data(b"Subject: many\r\n\r\n" + b"x" * 70 * 57 + b"\r\n")[0]]
    codes += [c.getreply()[0] for _ in range(999)]
    print("many", sum(code == 250 for code in codes), "of 1000")
except Exception as e:  # the hang: the client's timeout
    print("many failed", repr(e))
    sys.exit(0)
body = b"Subject: large\r\n\r\n" + b"".join(b"line %d \0 nul\r\n" % n for n in range(12000))
c.mail("s@example.org"); c.rcpt(d_user + "@example.net"); c.rcpt(e_user + "@example.net")
print("large", c.data(body)[0], c.getreply()[0], len(body) > 65536)
want = body.replace(b"\r\n", b"\n")
for user in (d_user, e_user):
    stored = [open(f, "rb").read() for f in glob.glob(f"{homes}/{user}/Maildir/new/*")]
    print("stored", user == d_user and "D" or "E", sum(s.endswith(want) for s in stored))
c.quit()
PY
out=$(cat "$T/many.out")
expect_line "$out" "many 1000 of 1000" "1000 recipients of one uid in one transaction: 250 each"
expect_line "$out" "large 250 250 True" "a message over 64 KiB to two uids: 250 each"
expect_line "$out" "stored D 1" "D's copy of the large message is the message as sent"
expect_line "$out" "stored E 1" "E's copy of the large message is the message as sent"
[ "$(count_files "$T/home/$C/Maildir/new")" = 1001 ] && pass "C has its 1001 messages" ||
  fail "C has $(count_files "$T/home/$C/Maildir/new") messages"

# -- a worker keeps its user's Maildir open between deliveries
# (maildir::keep_maildirs_open); on one connection, B's Maildir renamed
# away between two deliveries: the second message is in a new Maildir,
# not in the one moved away; then renamed away again and recreated by
# hand: the third is in the recreated one. One worker delivers all three.
$PY - "$SOCK" "$LMTP_PID" "$B" "$T/home/$B" >"$T/moved.out" 2>&1 <<'PY'
import os, pwd, smtplib, sys
sock, server, b, home = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
uid = pwd.getpwnam(b).pw_uid
def worker():
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = open(f"/proc/{pid}/status").read()
            ppid = int(status.split("PPid:")[1].split()[0])
            grand = int(open(f"/proc/{ppid}/status").read().split("PPid:")[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue
        if grand == server and int(status.split("Uid:")[1].split()[0]) == uid:
            return pid
c = smtplib.LMTP(sock)
c.ehlo()
def send(n):
    c.mail("s@example.org"); c.rcpt(b + "@example.net")
    return c.data(f"Subject: m{n}\r\nMessage-ID: <m{n}@moved.example>\r\n\r\n{n}\r\n".encode())[0]
print("first", send(1))
before = worker()
os.rename(home + "/Maildir", home + "/Maildir.moved")
print("after rename", send(2))
os.rename(home + "/Maildir", home + "/Maildir.moved2")
for sub in ("", "/tmp", "/new", "/cur"):
    os.mkdir(home + "/Maildir" + sub, 0o700)
    os.chown(home + "/Maildir" + sub, uid, pwd.getpwnam(b).pw_gid)
print("after recreate", send(3))
print("one worker", "yes" if before is not None and worker() == before else "no")
c.quit()
PY
out=$(cat "$T/moved.out")
expect_line "$out" "first 250" "B's first message on the connection: 250"
expect_line "$out" "after rename 250" "B's Maildir renamed away: the next message 250"
expect_line "$out" "after recreate 250" "B's Maildir renamed away and recreated: 250"
expect_line "$out" "one worker yes" "one worker delivered all three"
in_dir() { grep -l "^Message-ID: <$1@moved.example>\$" "$2"/new/* 2>/dev/null | wc -l; }
[ "$(in_dir m1 "$T/home/$B/Maildir.moved")" = 1 ] && [ "$(in_dir m2 "$T/home/$B/Maildir.moved")" = 0 ] &&
  pass "the Maildir moved away has the first message, not the second" ||
  fail "moved Maildir: $(ls "$T/home/$B/Maildir.moved/new")"
[ "$(in_dir m2 "$T/home/$B/Maildir.moved2")" = 1 ] &&
  pass "the second message is in the Maildir made after the rename" ||
  fail "second message not in the new Maildir: $(ls -R "$T/home/$B")"
[ "$(in_dir m3 "$T/home/$B/Maildir")" = 1 ] && [ "$(in_dir m3 "$T/home/$B/Maildir.moved2")" = 0 ] &&
  pass "the third message is in the recreated Maildir" ||
  fail "third message not in the recreated Maildir: $(ls -R "$T/home/$B")"

kill -TERM "$LMTP_PID"
wait_for 10 bash -c "! kill -0 $LMTP_PID 2>/dev/null" && pass "server exited after SIGTERM" ||
  fail "server still running after SIGTERM"

# -- a virtual user whose users.virtual_file only root may read (mode
# 0600, as a user table should be): the session looks the user up as root
# at RCPT TO and the worker, running as the user's uid, delivers where
# that lookup said. Before, the worker looked the user up again, as the
# user, could not read the file, and every such message got 451.
# As root the table must be root's alone up to / (not under /tmp): /run.
SAFE=$(mktemp -d /run/mailroom-lmtp-worker.XXXXXX) || die "mktemp in /run"
cleanup_add "rm -rf '$SAFE'"
chmod 0755 "$SAFE"
mkdir -p "$T/virtual/vbob"
chown -R "$A:$A" "$T/virtual/vbob"
printf 'vbob@example.net:%s:%s:%s\n' "$uid_a" "$(id -g "$A")" "$T/virtual/vbob/Maildir" \
  >"$SAFE/users"
chmod 0600 "$SAFE/users"
"$MAILROOM" lmtp -c /dev/null -o log.target=stderr "${HERMETIC[@]}" -o auth.enabled=false \
  -o users.system=false -o "users.virtual_file=$SAFE/users" -o lmtp.user_name=address \
  -o "lmtp.listeners=unix:$T/virtual-lmtp.sock" 2>>"$T/lmtp.log" &
VIRTUAL_PID=$!
cleanup_add "kill -KILL $VIRTUAL_PID"
wait_for 10 test -S "$T/virtual-lmtp.sock" || die "virtual-user lmtp did not listen"
$PY "$here/lib/lmtp_client.py" transaction "$T/virtual-lmtp.sock" s@example.org rootonly \
  vbob@example.net nobody@example.net >"$T/virtual-client.out" 2>&1
out=$(cat "$T/virtual-client.out")
expect_line "$out" "vbob@example.net 250 2.0.0" \
  "virtual user of a root-only users file: 250 from the worker"
expect_line "$out" "nobody@example.net 550 5.1.1" "a name not in the file: 550 5.1.1"
stored=$(grep -l '^Message-ID: <rootonly@lmtp.example>$' "$T/virtual/vbob/Maildir/new"/* 2>/dev/null)
[ -n "$stored" ] && [ "$(stat -c %U "$stored")" = "$A" ] &&
  pass "stored in the virtual user's Maildir, owned by its uid" ||
  fail "not stored for vbob: $(ls -lR "$T/virtual" 2>&1)"
kill -TERM "$VIRTUAL_PID"
wait_for 10 bash -c "! kill -0 $VIRTUAL_PID 2>/dev/null" || fail "virtual-user server still running"

# -- log.target = syslog: the worker's own lines ("delivered: ...") reach the
# syslog socket. The session's socket is among the descriptors a worker
# closes; before the fix every line of a delivery process was lost.
$PY - "$T/log.sock" "$T/syslog.out" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)  # as /dev/log: the worker runs as the user
s.settimeout(10)
with open(sys.argv[2], "w") as out:
    try:
        while True:
            out.write(s.recv(8192).decode(errors="replace") + "\n")
            out.flush()
    except socket.timeout:
        pass
PY
RECEIVER=$!
cleanup_add "kill -KILL $RECEIVER"
wait_for 5 test -S "$T/log.sock" || die "no syslog receiver"
"$MAILROOM" lmtp -c /dev/null -o log.target=syslog -o "log.socket=$T/log.sock" "${HERMETIC[@]}" \
  -o auth.enabled=false -o "lmtp.listeners=unix:$T/syslog-lmtp.sock" -o deliver.deadline=3s \
  2>>"$T/lmtp.log" &
SYSLOG_PID=$!
cleanup_add "kill -KILL $SYSLOG_PID"
wait_for 10 test -S "$T/syslog-lmtp.sock" || die "second lmtp did not listen"
$PY "$here/lib/lmtp_client.py" transaction "$T/syslog-lmtp.sock" s@example.org syslogged \
  "$A@example.net" >"$T/syslog-client.out" 2>&1
expect_line "$(cat "$T/syslog-client.out")" "$A@example.net 250 2.0.0" "delivered with log.target=syslog"
wait_for 5 grep -q 'delivered: msgid=<syslogged@lmtp.example>' "$T/syslog.out" &&
  pass "the worker's 'delivered:' line reached syslog" ||
  fail "no 'delivered:' line in syslog: $(cat "$T/syslog.out")"

# -- each delivery in a worker has its own deadline: after a delivered
# message (its copy linked), the next one, blocked before its link (A's
# spam list is a FIFO nobody writes), is ended by deliver.deadline (3 s
# here) with 451, not let run on as if it were past its link.
$PY - "$T/syslog-lmtp.sock" "$A" "$T/home/$A" >"$T/deadline.out" 2>&1 <<'PY'
import os, pwd, smtplib, sys, time
sock, a, home = sys.argv[1], sys.argv[2], sys.argv[3]
c = smtplib.LMTP(sock)
c.ehlo()
c.mail("s@example.org"); c.rcpt(a + "@example.net")
print("first", c.data(b"Subject: d1\r\n\r\nx\r\n")[0])
user = pwd.getpwnam(a)
os.makedirs(home + "/.mailroom", exist_ok=True)
os.chown(home + "/.mailroom", user.pw_uid, user.pw_gid)
os.mkfifo(home + "/.mailroom/spam-lists")
os.chown(home + "/.mailroom/spam-lists", user.pw_uid, user.pw_gid)
c.mail("s@example.org"); c.rcpt(a + "@example.net")
started = time.time()
code, text = c.data(b"Subject: d2\r\n\r\nx\r\n")
print("second", code, "within", "10s" if time.time() - started < 10 else "more")
c.quit()
PY
out=$(cat "$T/deadline.out")
expect_line "$out" "first 250" "a first message in the session: 250"
expect_line "$out" "second 451 within 10s" \
  "the next one, blocked before its link: 451 at its own deadline"
rm -f "$T/home/$A/.mailroom/spam-lists"
grep -l '^Subject: d2$' "$T/home/$A/Maildir/new"/* >/dev/null 2>&1 &&
  fail "the message past its deadline was stored" || pass "the message past its deadline is not stored"
# -- the session keeps the users it found while /etc/passwd and
# nsswitch.conf stay the same (lmtp/user_cache.hpp): a user removed
# during a session is refused at the next RCPT TO, a user added is
# accepted at once. /etc/passwd is let settle first, so that the session
# does keep the user it found.
G="mrwg$$"
H="mrwh$$"
cleanup_add "userdel '$G' 2>/dev/null; groupdel '$G' 2>/dev/null; userdel '$H' 2>/dev/null; groupdel '$H' 2>/dev/null"
retry 20 useradd -M -d "$T/home/$G" -s /bin/sh -U "$G" || die "useradd $G"
mkdir -p "$T/home/$G" && chown "$G:$G" "$T/home/$G"
$PY - "$T/syslog-lmtp.sock" "$G" "$H" "$T/home/$H" >"$T/users.out" 2>&1 <<'PY'
import os, smtplib, subprocess, sys, time
sock, g, h, h_home = sys.argv[1:]
def run(*argv):  # useradd and userdel fail while a parallel test holds the lock
    for _ in range(40):
        if subprocess.run(argv, stderr=subprocess.DEVNULL).returncode == 0:
            return
        time.sleep(0.25)
    sys.exit("failed: %s" % " ".join(argv))
time.sleep(max(0, os.stat("/etc/passwd").st_mtime + 3 - time.time()))
c = smtplib.LMTP(sock)
c.ehlo()
c.mail("s@example.org")
print("present", c.rcpt(g + "@example.net")[0])
print("again", c.rcpt(g + "@example.net")[0])
c.rset()
run("userdel", g)
c.mail("s@example.org")
print("removed", c.rcpt(g + "@example.net")[0])
print("absent", c.rcpt(h + "@example.net")[0])
run("useradd", "-M", "-d", h_home, "-s", "/bin/sh", "-U", h)
print("added", c.rcpt(h + "@example.net")[0])
c.quit()
PY
out=$(cat "$T/users.out")
expect_line "$out" "present 250" "a user in /etc/passwd: 250"
expect_line "$out" "again 250" "the same user again in the session: 250"
expect_line "$out" "removed 550" "the user removed during the session: 550 at the next RCPT TO"
expect_line "$out" "absent 550" "a user not yet added: 550"
expect_line "$out" "added 250" "the user added during the session: 250 at once"

kill -TERM "$SYSLOG_PID"
wait_for 10 bash -c "! kill -0 $SYSLOG_PID 2>/dev/null" || fail "second server still running"
grep -qE 'AddressSanitizer|runtime error' "$T/lmtp.log" && fail "sanitizer output in the log"
finish
