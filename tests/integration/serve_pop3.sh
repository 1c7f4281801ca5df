#!/usr/bin/env bash
# `mailroom serve` as POP3 server (issue 15): messages delivered with
# `mailroom deliver`, read back by real clients: Python's poplib (every
# command, STLS, POP3S, AUTH PLAIN, pipelining), curl pop3:// and pop3s://,
# fetchmail over POP3S and STLS (byte for byte), openssl s_client -starttls pop3. Also: DELE applied
# only at QUIT, UIDL stable across sessions and deliveries, plaintext
# refused before TLS when loopback is not trusted, TLS 1.1 refused, the
# certificate reloaded on SIGHUP, the session running as the user and
# unable to read another user's Maildir, wrong passwords delayed and then
# refused, SIGTERM ending the server. Every process it starts is killed by pid.
TEST_NAME=serve_pop3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd openssl curl fetchmail /usr/bin/python3
find_mailroom
make_scratch
install_mailroom
make_user A mrpa
make_user B mrpb
PY=/usr/bin/python3

# -- mail for both users, through the real delivery path
deliver() { # USER ID [BODY-LINE]
  printf 'From: s@example.com\nTo: %s@example.net\nSubject: pop %s\nX-Test-Id: %s\n\n%s\nend\n' \
    "$1" "$2" "$2" "${3:-body}" | "$MAILROOM" deliver "${HERMETIC[@]}" -c /dev/null -d "$1" ||
    die "deliver $2 to $1"
}
deliver "$A" a1 ".a line that starts with a dot"
deliver "$A" a2
deliver "$A" a3
deliver "$B" b1 "secret of b"

# -- certificate, password file (PLAIN for A, a real SHA512-CRYPT hash for B)
cert() { # NAME CN
  openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=$2" -days 2 \
    -addext "subjectAltName=DNS:$2,IP:127.0.0.1" -keyout "$T/$1.key" -out "$T/$1.crt" 2>/dev/null ||
    die "openssl req"
}
cert tls localhost
hash_b=$(printf 'pw-of-b\n' | "$MAILROOM" passwd) || die "mailroom passwd"
case "$hash_b" in "{SHA512-CRYPT}\$6\$"*) pass "mailroom passwd prints a SHA512-CRYPT hash" ;;
  *) fail "mailroom passwd printed '$hash_b'" ;; esac
printf 'x\n' | "$MAILROOM" passwd -s NOPE >/dev/null 2>&1
[ $? -eq 64 ] && pass "mailroom passwd refuses an unknown scheme" || fail "unknown scheme accepted"
uid_a=$(id -u "$A"); gid_a=$(id -g "$A")
{
  echo "# test users"
  echo "$A:{PLAIN}pw-of-a:$uid_a:$gid_a::$T/home/$A::"
  echo "$B:$hash_b:$(id -u "$B"):$(id -g "$B")::$T/home/$B::"
  # Misconfigured on purpose: A's uid with B's home. The session runs as
  # A's uid, so the kernel must keep it out of B's Maildir.
  echo "intruder:{PLAIN}pw-i:$uid_a:$gid_a::$T/home/$B::"
} >"$T/users"
chmod 0600 "$T/users"

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(free_port); PS=$(free_port); PN=$(free_port)

# start_serve LOG EXTRA-ARGS...: starts the server, sets SERVE_PID.
start_serve() {
  local out=$1
  shift
  "$MAILROOM" serve -c /dev/null -o log.target=stderr -o log.level=debug \
    -o "serve.tls_cert=$T/tls.crt" -o "serve.tls_key=$T/tls.key" -o "serve.passdb=$T/users" \
    -o serve.auth_delay=1s -o serve.auth_max_failures=4 "$@" 2>"$out" &
  SERVE_PID=$!
  cleanup_add "kill -KILL $SERVE_PID"
}
port_open() { $PY -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1).close()" 2>/dev/null; }
start_serve "$T/serve.log" -o "serve.listeners=pop3://127.0.0.1:$P,pop3s://127.0.0.1:$PS"
MAIN_PID=$SERVE_PID
wait_for 10 port_open "$P" && wait_for 10 port_open "$PS" || die "serve did not listen: $(cat "$T/serve.log")"
# The second server trusts no address for plaintext: as a public listener would.
start_serve "$T/serve2.log" -o "serve.listeners=pop3://127.0.0.1:$PN" -o serve.plaintext_on_loopback=false
STRICT_PID=$SERVE_PID
wait_for 10 port_open "$PN" || die "second serve did not listen: $(cat "$T/serve2.log")"

# -- Python poplib: every command, over plaintext (loopback), STLS and POP3S
cat >"$T/pop.py" <<'EOF'
import poplib, socket, ssl, sys, base64, time, os
port, sport, strict, a, b, maildir_a, maildir_b = sys.argv[1:8]
port, sport, strict = int(port), int(sport), int(strict)
failures = 0
def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond: failures += 1
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE

def stored(maildir, test_id):
    for sub in ("new", "cur"):
        for name in os.listdir(os.path.join(maildir, sub)):
            data = open(os.path.join(maildir, sub, name), "rb").read()
            if b"X-Test-Id: " + test_id.encode() in data: return data
    return None

p = poplib.POP3("127.0.0.1", port, timeout=10)
check(p.getwelcome().startswith(b"+OK"), "greeting")
caps = p.capa()
for c in ("TOP", "UIDL", "RESP-CODES", "PIPELINING", "USER", "SASL", "STLS"):
    check(c in caps, "CAPA before login has " + c)
check(caps.get("SASL") == ["PLAIN"], "SASL PLAIN offered")
p.user(a); r = p.pass_("pw-of-a")
check(r.startswith(b"+OK maildrop has 3 messages"), "PASS: " + r.decode())
count, size = p.stat()
check(count == 3, "STAT counts 3")
resp, listing, _ = p.list()
sizes = [int(l.split()[1]) for l in listing]
check(sum(sizes) == size and len(sizes) == 3, "LIST sizes add up to STAT")
resp, uidls, _ = p.uidl()
uidl = {int(l.split()[0]): l.split()[1].decode() for l in uidls}
check(len(set(uidl.values())) == 3, "UIDL: three distinct ids")
check(p.uidl(2).split()[2].decode() == uidl[2], "UIDL n agrees with UIDL")
resp, lines, octets = p.retr(1)
body = b"\r\n".join(lines) + b"\r\n"
check(body == stored(maildir_a, "a1").replace(b"\n", b"\r\n"), "RETR 1 = the stored message, CRLF")
check(b".a line that starts with a dot" in lines, "dot-stuffing undone by the client")
check(len(body) == sizes[0], "LIST size = octets sent by RETR")
resp, top, _ = p.top(2, 0)
check(b"X-Test-Id: a2" in top and b"body" not in top, "TOP 2 0: headers only")
resp, top, _ = p.top(1, 1)
check(top[-1] == b".a line that starts with a dot", "TOP 1 1: one body line")
check(p.noop().startswith(b"+OK"), "NOOP")
p.dele(1)
check(p.stat()[0] == 2, "DELE 1: STAT counts 2")
try:
    p.retr(1); check(False, "RETR of a deleted message refused")
except poplib.error_proto: check(True, "RETR of a deleted message refused")
p.rset()
check(p.stat()[0] == 3, "RSET undeletes")
p.dele(3)
# A connection that ends without QUIT deletes nothing (RFC 1939 section 6).
p.sock.close()
time.sleep(0.3)
check(stored(maildir_a, "a3") is not None, "no QUIT: DELE not applied")

p = poplib.POP3("127.0.0.1", port, timeout=10)
p.user(a); p.pass_("pw-of-a")
resp, uidls2, _ = p.uidl()
check({int(l.split()[0]): l.split()[1].decode() for l in uidls2} == uidl, "UIDL stable across sessions")
p.dele(3)
check(p.quit().startswith(b"+OK"), "QUIT")
time.sleep(0.2)
check(stored(maildir_a, "a3") is None, "QUIT applies DELE (UPDATE state)")
sys.stdout.flush()
# a delivery between sessions: old ids stay, the new one is new
os.system(os.environ["DELIVER_A4"])
p = poplib.POP3("127.0.0.1", port, timeout=10)
p.user(a); p.pass_("pw-of-a")
resp, uidls3, _ = p.uidl()
ids3 = [l.split()[1].decode() for l in uidls3]
check(ids3[:2] == [uidl[1], uidl[2]] and len(ids3) == 3 and ids3[2] not in uidl.values(),
      "UIDL stable across a delivery: " + " ".join(ids3))
p.quit()

# AUTH PLAIN with an initial response, and the empty-authzid form; a wrong authzid
def raw(port, lines, tls=False):
    s = socket.create_connection(("127.0.0.1", port), 10)
    if tls: s = ctx.wrap_socket(s)
    f = s.makefile("rb")
    out = [f.readline()]
    for l in lines:
        s.sendall(l.encode() + b"\r\n"); out.append(f.readline())
    s.close()
    return [o.decode(errors="replace").rstrip("\r\n") for o in out]
plain = base64.b64encode(("\0%s\0pw-of-a" % a).encode()).decode()
r = raw(port, ["AUTH PLAIN " + plain, "STAT", "QUIT"])
check(r[1].startswith("+OK maildrop") and r[2].startswith("+OK 3 "), "AUTH PLAIN initial response: " + r[1])
r = raw(port, ["AUTH PLAIN", plain, "QUIT"])
check(r[1] == "+ " and r[2].startswith("+OK maildrop"), "AUTH PLAIN with continuation")
other = base64.b64encode(("%s\0%s\0pw-of-a" % (b, a)).encode()).decode()
r = raw(port, ["AUTH PLAIN " + other])
check(r[1].startswith("-ERR [AUTH]"), "AUTH PLAIN as another authzid refused: " + r[1])
r = raw(port, ["STAT", "UIDL", "XYZZY", "USER " + "x" * 100, "QUIT"])
check(all(x.startswith("-ERR") for x in r[1:5]), "commands out of state and bad ones get -ERR")
r = raw(port, ["NOOP " + "y" * 20000, "QUIT"])
check(r[1] == "-ERR line too long" and r[2].startswith("+OK"), "over-long line: -ERR, session goes on")
# pipelining (RFC 2449): the commands after PASS go to the session
s = socket.create_connection(("127.0.0.1", port), 10); f = s.makefile("rb"); f.readline()
s.sendall(("USER %s\r\nPASS pw-of-a\r\nSTAT\r\nQUIT\r\n" % a).encode())
got = [f.readline() for _ in range(4)]
check(got[2].startswith(b"+OK 3 ") and got[3].startswith(b"+OK"), "pipelined USER/PASS/STAT/QUIT")
s.close()

# B with the SHA512-CRYPT hash, over STLS, then over POP3S
p = poplib.POP3("127.0.0.1", port, timeout=10)
p.stls(ctx)
check(p.sock.version() in ("TLSv1.2", "TLSv1.3"), "STLS: " + str(p.sock.version()))
check("STLS" not in p.capa(), "no STLS in CAPA after TLS")
p.user(b); p.pass_("pw-of-b")
resp, lines, _ = p.retr(1)
check(b"secret of b" in lines, "B reads its message over STLS (SHA512-CRYPT)")
check(p.stat()[0] == 1, "B sees only its own message")
p.quit()
p = poplib.POP3_SSL("127.0.0.1", sport, timeout=10, context=ctx)
p.user(a); p.pass_("pw-of-a")
check(p.stat()[0] == 3, "POP3S: A logs in")
p.quit()
# STARTTLS injection (CVE-2011-0411): what follows STLS in the same packet is dropped
s = socket.create_connection(("127.0.0.1", port), 10); f = s.makefile("rb"); f.readline()
s.sendall(("STLS\r\nUSER %s\r\n" % a).encode()); f.readline()
t = ctx.wrap_socket(s); tf = t.makefile("rb")
t.sendall(b"PASS pw-of-a\r\n")
check(tf.readline().startswith(b"-ERR USER first"), "command injected before the TLS handshake is dropped")
t.close()

# the session cannot read another user's Maildir: "intruder" has A's uid and B's home
r = raw(port, ["USER intruder", "PASS pw-i"])
check(r[2].startswith("-ERR [SYS/TEMP]"), "A's uid cannot open B's Maildir: " + r[2])

# plaintext refused before TLS where loopback is not trusted
r = raw(strict, ["USER " + a, "AUTH PLAIN " + plain, "AUTH PLAIN"])
check(all(x.startswith("-ERR [AUTH]") for x in r[1:]), "plaintext refused before TLS: " + r[1])
p = poplib.POP3("127.0.0.1", strict, timeout=10)
check("USER" not in p.capa() and "STLS" in p.capa(), "CAPA without TLS offers STLS, not USER")
p.stls(ctx); p.user(a); p.pass_("pw-of-a")
check(p.stat()[0] == 3, "after STLS the same login works")
p.quit()
sys.exit(1 if failures else 0)
EOF
export DELIVER_A4="printf 'From: s@example.com\nSubject: a4\nX-Test-Id: a4\n\nbody\n' | $MAILROOM deliver ${HERMETIC[*]} -c /dev/null -d $A"
if $PY "$T/pop.py" "$P" "$PS" "$PN" "$A" "$B" "$T/home/$A/Maildir" "$T/home/$B/Maildir" >"$T/pop.out" 2>&1; then
  pass "poplib: $(grep -c '^ok:' "$T/pop.out") checks"
else
  fail "poplib: $(grep -v '^ok:' "$T/pop.out")"
fi
sed 's/^/  /' "$T/pop.out" >&2

# -- curl
out=$(curl -s --max-time 10 "pop3://$A:pw-of-a@127.0.0.1:$P/1")
grep -q "X-Test-Id: a1" <<<"$out" && pass "curl pop3:// RETR 1" || fail "curl pop3://: $out"
out=$(curl -s -k --max-time 10 "pop3s://$A:pw-of-a@127.0.0.1:$PS/2")
grep -q "X-Test-Id: a2" <<<"$out" && pass "curl pop3s:// RETR 2" || fail "curl pop3s://: $out"
out=$(curl -s -k --ssl-reqd --max-time 10 "pop3://$B:pw-of-b@127.0.0.1:$PN/")
grep -q "^1 " <<<"$out" && pass "curl pop3:// with STLS required (LIST)" || fail "curl STLS: $out"

# -- fetchmail over POP3S and over STLS, keeping the mail on the server: its
# mda writes each message to a file of its own; with `invisible` (no
# Received: line of fetchmail's) each file equals the delivered one, byte
# for byte (dot-stuffing and CRLF undone)
mkdir -p "$T/fm"
printf '#!/bin/sh\n# one file per message\nexec cat >"$(mktemp "$1/msg.XXXXXX")"\n' >"$T/fm/mda"
chmod 0755 "$T/fm/mda"
fetchmail_run() { # NAME PORT USER PASSWORD TLS-OPTIONS
  mkdir -p "$T/fm/$1"
  cat >"$T/fm/$1.rc" <<EOF
set invisible
poll 127.0.0.1 port $2 protocol pop3 auth password
  user "$3" there with password "$4" is root here
  $5 sslcertck sslcertfile "$T/tls.crt" sslcommonname "localhost" keep
  mda "$T/fm/mda $T/fm/$1"
EOF
  chmod 0600 "$T/fm/$1.rc"
  HOME="$T/fm" fetchmail -v -f "$T/fm/$1.rc" --nosyslog --pidfile "$T/fm/pid" >"$T/fm/$1.log" 2>&1
}
same_files() { # MAILDIR DIR: the same set of file contents
  $PY - "$1" "$2" <<'EOF'
import os, sys
def contents(*dirs):
    return sorted(open(os.path.join(d, n), "rb").read() for d in dirs for n in os.listdir(d))
m, f = sys.argv[1], sys.argv[2]
sys.exit(0 if contents(m + "/new", m + "/cur") == contents(f) else 1)
EOF
}
fetchmail_run pop3s "$PS" "$A" pw-of-a ssl
rc=$?
n=$(count_files "$T/fm/pop3s")
[ $rc -eq 0 ] && [ "$n" = 3 ] && pass "fetchmail over POP3S fetched 3 messages" ||
  fail "fetchmail POP3S rc=$rc, $n files: $(tail -5 "$T/fm/pop3s.log")"
same_files "$T/home/$A/Maildir" "$T/fm/pop3s" && pass "fetchmail POP3S: each message equals the delivered file" ||
  fail "fetchmail POP3S: fetched files differ from the Maildir: $(head -c 600 "$T"/fm/pop3s/* | cat -A | head -30)"
[ "$(count_files "$T/home/$A/Maildir/new") + $(count_files "$T/home/$A/Maildir/cur")" != "0 + 0" ] &&
  pass "fetchmail keep: mail still on the server" || fail "fetchmail removed the mail"
# The strict listener refuses a login before TLS: fetchmail must do STLS.
fetchmail_run stls "$PN" "$B" pw-of-b "sslproto tls1.2+"
rc=$?
[ $rc -eq 0 ] && [ "$(count_files "$T/fm/stls")" = 1 ] && grep -q "secret of b" "$T"/fm/stls/* &&
  grep -q "POP3> STLS" "$T/fm/stls.log" && same_files "$T/home/$B/Maildir" "$T/fm/stls" &&
  pass "fetchmail over STLS: B's message, byte for byte" ||
  fail "fetchmail STLS rc=$rc: $(tail -5 "$T/fm/stls.log")"

# -- openssl s_client: STARTTLS handshake, and TLS 1.1 refused
out=$( (printf 'CAPA\r\n'; sleep 1; printf 'QUIT\r\n') |
  timeout 10 openssl s_client -ign_eof -starttls pop3 -connect "127.0.0.1:$P" 2>&1)
grep -qE 'Protocol *: *TLSv1\.[23]' <<<"$out" && grep -q '^IMPLEMENTATION mailroom' <<<"$out" &&
  pass "openssl s_client -starttls pop3" || fail "s_client: $(tail -20 <<<"$out")"
if printf 'QUIT\r\n' | timeout 10 openssl s_client -tls1_1 -connect "127.0.0.1:$PS" >/dev/null 2>&1; then
  fail "TLS 1.1 accepted"
else
  pass "TLS 1.1 refused"
fi

# -- SIGHUP: a new certificate for the next connection
cert new reloaded.example
cp "$T/new.crt" "$T/tls.crt"; cp "$T/new.key" "$T/tls.key"
kill -HUP "$MAIN_PID"
sleep 0.5
subject=$(timeout 10 openssl s_client -connect "127.0.0.1:$PS" </dev/null 2>/dev/null | grep '^subject=')
grep -q reloaded.example <<<"$subject" && pass "SIGHUP reloaded the certificate" || fail "after SIGHUP: $subject"

# -- the processes: login as nobody, the session as the user
exec 7<>"/dev/tcp/127.0.0.1/$P"
read -r -t 5 _ <&7
printf 'USER %s\r\nPASS pw-of-a\r\n' "$A" >&7
read -r -t 5 _ <&7; read -r -t 5 _ <&7
# The listener's one child is the spawner (root, forked before any login);
# it forks the login process (nobody) and the session (the user).
spawner=$(ps -o pid= --ppid "$MAIN_PID" | tr -d ' ')
users=$(ps -o user= --ppid "$spawner" | sort | tr '\n' ' ')
[ "$(ps -o user= -p "$spawner" | tr -d ' ')" = root ] && [ "$users" = "$A nobody " ] &&
  pass "session runs as $A, login as nobody, both forked by the spawner" ||
  fail "spawner '$spawner' children run as: $users"
exec 7>&-

# -- wrong passwords: delayed, then refused even with the right one
cat >"$T/throttle.py" <<'EOF'
import socket, sys, time
port, user = int(sys.argv[1]), sys.argv[2]
def attempt(pw):
    s = socket.create_connection(("127.0.0.1", port), 30); f = s.makefile("rb"); f.readline()
    s.sendall(("USER %s\r\n" % user).encode()); f.readline()
    start = time.monotonic(); s.sendall(("PASS %s\r\n" % pw).encode()); r = f.readline()
    s.close(); return r.decode().strip(), time.monotonic() - start
r1, t1 = attempt("wrong1"); r2, t2 = attempt("wrong2"); r3, t3 = attempt("wrong3")
print(r1, t1, r2, t2, r3, t3)
ok = r1.startswith("-ERR [AUTH]") and t2 >= 0.9 and t3 >= 1.9
r4, _ = attempt("wrong4"); r5, _ = attempt("pw-of-a")
print(r4, r5)
ok = ok and "too many" in r5
sys.exit(0 if ok else 1)
EOF
if out=$($PY "$T/throttle.py" "$P" "$A" 2>&1); then
  pass "wrong passwords delayed (1 s, 2 s) and then refused"
else
  fail "throttle: $out"
fi

# -- SIGTERM: the server ends, with exit status 0
kill -TERM "$MAIN_PID" "$STRICT_PID"
wait "$MAIN_PID"; rc=$?
[ $rc -eq 0 ] && pass "SIGTERM: exit 0" || fail "SIGTERM: exit $rc"
wait "$STRICT_PID"
sleep 0.3
left=$(pgrep -u "$A,$B" | tr '\n' ' ')
[ -z "$left" ] && pass "no session process left after SIGTERM" || fail "left running: $left"
grep -qiE 'AddressSanitizer|runtime error' "$T/serve.log" && fail "sanitizer: $(cat "$T/serve.log")"
finish
