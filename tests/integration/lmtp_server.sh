#!/usr/bin/env bash
# `mailroom lmtp` (issue 16) with Python's smtplib.LMTP and raw sockets, on
# a Unix socket and on TCP: one transaction mixing delivered, unknown,
# over-quota (bounce), Sieve-rejected and crashed recipients, each with its
# own reply after DATA (RFC 2033 §4.2); pipelined transactions; bare LF,
# NUL, over-long lines and oversized DATA answered; a misconfigured user
# sharing another's uid cannot write into a third user's Maildir; SIGHUP
# reloads; SIGTERM lets a transaction in flight finish; a socket passed by
# systemd-socket-activate (LISTEN_FDS) serves; an idle connection gets 421;
# past lmtp.max_connections a connection gets 421; the counters (Prometheus
# text on lmtp.stats_listener, `mailroom lmtp --stats`) match what happened. Every process it
# starts is killed by pid.
TEST_NAME=lmtp_server
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd /usr/bin/python3 systemd-socket-activate curl
find_mailroom
make_scratch
install_mailroom
PY=/usr/bin/python3
CLIENT="$here/lib/lmtp_client.py"
make_user A mrla
make_user B mrlb
make_user Q mrlq
make_user S mrls

# B rejects by Sieve; Q is over a tiny quota; S's spam list is a FIFO, so
# its delivery process blocks there until the test kills it.
cat >"$T/home/$B/.dovecot.sieve" <<'SIEVE'
require "reject";
if header :contains "Subject" "reject-me" { reject "not wanted here"; }
SIEVE
chown "$B:$B" "$T/home/$B/.dovecot.sieve"
mkdir -p "$T/home/$Q/Maildir/new" "$T/home/$Q/Maildir/cur" "$T/home/$Q/Maildir/tmp"
printf '100S,10C\n5000 1\n' >"$T/home/$Q/Maildir/maildirsize"
chown -R "$Q:$Q" "$T/home/$Q/Maildir"
mkdir -p "$T/home/$S/.mailroom" && mkfifo "$T/home/$S/.mailroom/spam-lists"
chown -R "$S:$S" "$T/home/$S/.mailroom"
# As root the configuration and user table must be root's alone up to /
# (not under /tmp): /run.
SAFE=$(mktemp -d /run/mailroom-lmtp.XXXXXX) || die "mktemp in /run"
cleanup_add "rm -rf '$SAFE'"
chmod 0755 "$SAFE"
# A misconfiguration on purpose: "intruder" runs as A but names B's Maildir.
echo "intruder:$(id -u "$A"):$(id -g "$A"):$T/home/$B/Maildir" >"$SAFE/virtual"

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(free_port)
SP=$(free_port)
SOCK="$T/lmtp.sock"
cat >"$SAFE/mailroom.toml" <<TOML
[deliver]
quota_exceeded = "bounce"
max_message_size = "1M"
[users]
virtual_file = "$SAFE/virtual"
[auth]
enabled = false
[lmtp]
listeners = ["unix:$SOCK", "lmtp://127.0.0.1:$P"]
max_recipients = 10
stats_listener = "127.0.0.1:$SP"
TOML
"$MAILROOM" lmtp -c "$SAFE/mailroom.toml" -o log.target=stderr "${HERMETIC[@]}" 2>"$T/lmtp.log" &
LMTP_PID=$!
cleanup_add "kill -KILL $LMTP_PID"
wait_for 10 test -S "$SOCK" || die "lmtp did not listen: $(cat "$T/lmtp.log")"

new_count() { count_files "$T/home/$1/Maildir/new"; }
expect_line() { # OUTPUT LINE WHAT
  if grep -qxF -- "$2" <<<"$1"; then pass "$3"; else fail "$3: no '$2' in: $1"; fi
}

# -- one transaction, five kinds of recipient, on the Unix socket
# Kills S's delivery process (by its pid) once it is blocked on the FIFO.
(
  for _ in $(seq 200); do
    p=$(pgrep -u "$S" | head -1)
    case "$(cat /proc/"$p"/wchan 2>/dev/null)" in *fifo* | *pipe* | *partner*) break ;; esac
    sleep 0.1
  done
  [ -n "$p" ] && kill -SEGV "$p"
) &
killer=$!
out=$($PY "$CLIENT" transaction "$SOCK" sender@example.org reject-me-mixed \
  "$A@example.net" "nobody-$$@example.net" "$B@example.net" "$Q@example.net" "$S@example.net" 2>&1)
wait $killer
expect_line "$out" "$A@example.net 250 2.0.0" "delivered recipient: 250 2.0.0 after DATA"
expect_line "$out" "nobody-$$@example.net 550 5.1.1" "unknown user refused at RCPT: 550 5.1.1"
expect_line "$out" "$B@example.net 550 5.7.1" "Sieve reject: 550 5.7.1"
expect_line "$out" "$Q@example.net 552 5.2.2" "over quota with quota_exceeded=bounce: 552 5.2.2"
expect_line "$out" "$S@example.net 451 4.3.0" "a crashed delivery process fails only its recipient: 451"
[ "$(new_count "$A")" = 1 ] && pass "A has the message once" || fail "A has $(new_count "$A") messages"
[ "$(new_count "$B")" = 0 ] && pass "B (rejected) has none" || fail "B has $(new_count "$B")"
f=$(find "$T/home/$A/Maildir/new" -type f | head -1)
[ "$(stat -c %U "$f")" = "$A" ] && pass "A's copy is owned by A" || fail "A's copy owned by $(stat -c %U "$f")"
grep -q '^Delivered-To: '"$A"'@example.net$' "$f" && pass "Delivered-To: names the recipient" ||
  fail "no Delivered-To in $(head -5 "$f")"
grep -q '^Return-Path: <sender@example.org>$' "$f" && pass "Return-Path from MAIL FROM" || fail "no Return-Path"
grep -q '^\.a line that starts with a dot$' "$f" && pass "dot-unstuffed, CRLF stored as LF" ||
  fail "body: $(tail -2 "$f" | od -c | head -3)"
grep -q $'\r' "$f" && fail "CR left in the stored copy" || pass "no CR in the stored copy"

# -- the counters: over HTTP (Prometheus text) and `mailroom lmtp --stats`
stats=$("$MAILROOM" lmtp --stats -c "$SAFE/mailroom.toml" 2>&1)
for want in delivered:1 no_user:1 rejected:1 over_quota:1 deferred:1 loop:0; do
  expect_line "$stats" "mailroom_lmtp_recipients_total{result=\"${want%%:*}\"} ${want#*:}" \
    "--stats counts ${want%%:*} = ${want#*:}"
done
expect_line "$stats" "mailroom_lmtp_messages_total 1" "--stats counts one message"
# Per-stage latency, per recipient's delivery: A and B were scored (spam),
# B's script ran (sieve), only A's copy was written (store); authentication
# is off here; Q was refused before any stage, S killed inside spam.
for want in authentication:0 spam:2 sieve:1 store:1; do
  expect_line "$stats" "mailroom_lmtp_stage_seconds_count{stage=\"${want%%:*}\"} ${want#*:}" \
    "--stats: stage ${want%%:*} timed ${want#*:} times"
  expect_line "$stats" "mailroom_lmtp_stage_seconds_bucket{stage=\"${want%%:*}\",le=\"+Inf\"} ${want#*:}" \
    "--stats: stage ${want%%:*} histogram +Inf bucket = count"
done
awk '$1 == "mailroom_lmtp_stage_seconds_sum{stage=\"store\"}" && $2 > 0 { ok = 1 } END { exit !ok }' <<<"$stats" &&
  pass "--stats: the store stage took a measured, non-zero time (write + fsync)" ||
  fail "store sum: $(grep 'stage_seconds_sum{stage="store"}' <<<"$stats")"
http=$(curl -sf "http://127.0.0.1:$SP/metrics")
[ "$http" = "$stats" ] && pass "the same counters over HTTP" || fail "HTTP: $http"

# -- over TCP: B accepts what its script does not refuse; intruder is kept out
out=$($PY "$CLIENT" transaction "127.0.0.1:$P" sender@example.org plain "$B@example.net" 2>&1)
expect_line "$out" "$B@example.net 250 2.0.0" "TCP listener delivers"
before=$(new_count "$B")
out=$($PY "$CLIENT" transaction "127.0.0.1:$P" sender@example.org intrude intruder 2>&1)
expect_line "$out" "intruder 451 4.3.0" "a user with A's uid cannot deliver into B's Maildir: 451"
[ "$(new_count "$B")" = "$before" ] && pass "nothing written into B's Maildir" || fail "B's Maildir changed"

# -- pipelining: three transactions and QUIT in one write
{
  printf 'LHLO client.example\r\n'
  for i in 1 2 3; do
    printf 'MAIL FROM:<p@example.org>\r\nRCPT TO:<%s@example.net>\r\nDATA\r\nSubject: p%s\r\n\r\nx\r\n.\r\n' "$A" "$i"
  done
  printf 'QUIT\r\n'
} >"$T/pipelined"
out=$($PY "$CLIENT" raw "$SOCK" "$T/pipelined")
n=$(grep -c '^250 2.0.0 delivered$' <<<"$out")
[ "$n" = 3 ] && pass "pipelined: three 250 2.0.0, in order" || fail "pipelined replies: $out"
grep -q '^221 ' <<<"$out" && pass "QUIT answered after pipelined DATA" || fail "no 221: $out"
[ "$(new_count "$A")" = 4 ] && pass "A got the three pipelined messages" || fail "A has $(new_count "$A")"

# -- malformed input: every line answered, the server lives on
{
  printf 'LHLO x\nLHLO x\r\n'
  printf 'NO\0OP\r\n'
  head -c 5000 /dev/zero | tr '\0' A
  printf '\r\nMAIL FROM:<a@example.org> SIZE=99999999\r\n'
  printf 'MAIL FROM:<a@example.org>\r\nRCPT TO:<%s@example.net>\r\nDATA\r\n' "$A"
  head -c 1100000 /dev/zero | tr '\0' x
  printf '\r\n.\r\nQUIT\r\n'
} >"$T/malformed"
out=$($PY "$CLIENT" raw "127.0.0.1:$P" "$T/malformed")
expect_line "$out" "500 5.5.2 line must end in CRLF, not a bare LF" "bare LF answered"
expect_line "$out" "500 5.5.2 control characters in command line" "NUL answered"
expect_line "$out" "500 5.5.2 line too long" "over-long line answered"
expect_line "$out" "552 5.3.4 message size exceeds the limit of 1048576" "SIZE over the limit: 552 5.3.4"
expect_line "$out" "552 5.3.4 message too large" "oversized DATA: 552 5.3.4"
[ "$(new_count "$A")" = 4 ] && pass "nothing stored from the malformed session" || fail "A has $(new_count "$A")"
kill -0 "$LMTP_PID" && pass "server alive after malformed input" || fail "server died"

# -- a first line "From " in DATA is message content (RFC 2033 §4.2: DATA
# is RFC 5322 after dot-unstuffing), not an mbox From_ line: it is kept and
# does not become the envelope sender of a null-sender (<>) message.
{
  printf 'LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<%s@example.net>\r\nDATA\r\n' "$A"
  printf 'From forged@example.com Sat Nov 28 20:00:00 2026\r\nSubject: from-line\r\n\r\nx\r\n.\r\nQUIT\r\n'
} >"$T/from_line"
out=$($PY "$CLIENT" raw "$SOCK" "$T/from_line")
expect_line "$out" "250 2.0.0 delivered" "DATA starting with 'From ' delivered"
f=$(grep -l '^Subject: from-line$' "$T/home/$A/Maildir/new"/* | head -1)
grep -qx 'From forged@example.com Sat Nov 28 20:00:00 2026' "$f" &&
  pass "a first DATA line 'From ' is kept as content" || fail "From line lost: $(head -8 "$f")"
grep -qx 'Return-Path: <>' "$f" && pass "the 'From ' line is not taken as the envelope sender" ||
  fail "Return-Path: $(grep '^Return-Path' "$f")"

# -- SIGHUP reloads: max_recipients 10 -> 1
sed -i 's/^max_recipients = 10$/max_recipients = 1/' "$SAFE/mailroom.toml"
kill -HUP "$LMTP_PID"
wait_for 5 grep -q 'configuration reloaded' "$T/lmtp.log" || fail "no reload logged"
out=$($PY "$CLIENT" transaction "$SOCK" s@example.org reload "$A@example.net" "$B@example.net" 2>&1)
expect_line "$out" "$B@example.net 452 4.5.3" "after SIGHUP the new max_recipients holds"

# -- SIGTERM while a transaction is in flight: it finishes, then 421
$PY - "$SOCK" "$A" "$LMTP_PID" >"$T/term.out" 2>&1 <<'PY' &
import os, signal, smtplib, sys, time
sock, user, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = smtplib.LMTP(sock)
c.ehlo()
c.mail("t@example.org")
c.rcpt(user + "@example.net")
os.kill(pid, signal.SIGTERM)
time.sleep(1.5)
code, _ = c.data(b"Subject: in flight\r\n\r\nx\r\n")
print("data", code)
try:
    print("next", c.mail("t@example.org")[0])
except (smtplib.SMTPException, OSError):
    # The session may have sent its 421 and closed before MAIL was written.
    print("next disconnected")
PY
term_client=$!
wait $term_client
out=$(cat "$T/term.out")
expect_line "$out" "data 250" "SIGTERM: the transaction in flight is delivered"
grep -qxE "next (421|disconnected)" <<<"$out" && pass "SIGTERM: the next transaction gets 421" ||
  fail "SIGTERM: after the transaction: $out"
wait_for 10 bash -c "! kill -0 $LMTP_PID 2>/dev/null" && pass "server exited after SIGTERM" ||
  fail "server still running after SIGTERM"
[ ! -e "$SOCK" ] && pass "Unix socket removed at exit" || fail "socket left behind"

# -- socket activation (LISTEN_FDS, as systemd passes them) and idle timeout
ACT="$T/activated.sock"
systemd-socket-activate -l "$ACT" "$MAILROOM" lmtp -c /dev/null -o log.target=stderr \
  "${HERMETIC[@]}" -o auth.enabled=false -o lmtp.idle_timeout=2s -o lmtp.max_connections=1 \
  2>"$T/act.log" &
ACT_PID=$!
cleanup_add "kill -KILL $ACT_PID"
wait_for 10 test -S "$ACT" || die "systemd-socket-activate did not listen: $(cat "$T/act.log")"
out=$($PY "$CLIENT" transaction "$ACT" s@example.org activated "$A@example.net" 2>&1)
expect_line "$out" "$A@example.net 250 2.0.0" "socket passed by LISTEN_FDS serves LMTP"
grep -q 'listening on systemd fd 3' "$T/act.log" && pass "the server took fd 3 from LISTEN_FDS" ||
  fail "no LISTEN_FDS socket in the log: $(cat "$T/act.log")"
# The slot of a session is free once the listener reaped it (SIGCHLD), a
# moment after its client closed: each check retries until it is.
two_connections() {
  $PY - "$ACT" <<'PY'
import socket, sys
first = socket.socket(socket.AF_UNIX)
first.connect(sys.argv[1])
print("first", first.recv(512).decode().split(" ")[0])
second = socket.socket(socket.AF_UNIX)
second.connect(sys.argv[1])
second.settimeout(5)
print("second", second.recv(512).decode().strip())
PY
}
for _ in $(seq 20); do
  out=$(two_connections)
  grep -qx "first 220" <<<"$out" && break
  sleep 0.3
done
expect_line "$out" "first 220" "max_connections=1: the first connection is greeted"
expect_line "$out" "second 421 4.3.2 too many connections, try again later" \
  "max_connections=1: the second gets 421 4.3.2"
printf 'LHLO x\r\n' >"$T/idle"
for _ in $(seq 20); do
  out=$($PY "$CLIENT" raw "$ACT" "$T/idle")
  grep -q 'too many connections' <<<"$out" || break
  sleep 0.3
done
grep -q '^421 4.4.2 .* idle for too long' <<<"$out" && pass "idle connection: 421 4.4.2 and closed" ||
  fail "idle connection: $out"
kill -TERM "$ACT_PID"
wait_for 10 bash -c "! kill -0 $ACT_PID 2>/dev/null" || fail "activated server still running"
grep -qE 'AddressSanitizer|runtime error' "$T/lmtp.log" "$T/act.log" && fail "sanitizer output in the logs"
finish
