#!/usr/bin/env bash
# `mailroom serve` as ManageSieve server (RFC 5804, issue 15): the real
# client people use from a shell, sieve-connect, uploads, lists, activates,
# downloads and deletes a script over STARTTLS (a certificate made here);
# a Python script over socket/ssl runs every command and the error cases
# (a bad script answered NO with its line and column, names that would
# leave ~/sieve, deleting the active script, literal and line limits,
# plaintext before TLS, quota); then `mailroom deliver` proves that the
# script activated is the one that runs, from where the server stored it
# (~/sieve/NAME.sieve, ~/.dovecot.sieve linked to it). Every process it
# starts is killed by pid; the users it makes are removed.
TEST_NAME=serve_managesieve
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd openssl sieve-connect /usr/bin/python3
find_mailroom
make_scratch
install_mailroom
make_user A mrsa
make_user B mrsb
PY=/usr/bin/python3
home_a="$T/home/$A"

openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=localhost" -days 2 \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$T/tls.key" -out "$T/tls.crt" \
  2>/dev/null || die "openssl req"
{
  echo "$A:{PLAIN}pw-of-a:$(id -u "$A"):$(id -g "$A")::$home_a::"
  echo "$B:{PLAIN}pw-of-b:$(id -u "$B"):$(id -g "$B")::$T/home/$B::"
} >"$T/users"
chmod 0600 "$T/users"

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_open() { $PY -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1).close()" 2>/dev/null; }
P=$(free_port)
PN=$(free_port)
start_serve() { # LOG PORT EXTRA...: sets SERVE_PID
  local out=$1 port=$2
  shift 2
  "$MAILROOM" serve -c /dev/null -o log.target=stderr -o log.level=debug \
    -o "serve.tls_cert=$T/tls.crt" -o "serve.tls_key=$T/tls.key" -o "serve.passdb=$T/users" \
    -o "serve.listeners=sieve://127.0.0.1:$port" -o serve.auth_delay=1s \
    -o serve.managesieve_max_script_size=4096 -o serve.managesieve_max_scripts=5 "$@" 2>"$out" &
  SERVE_PID=$!
  cleanup_add "kill -KILL $SERVE_PID 2>/dev/null"
  wait_for 10 port_open "$port" || die "serve did not listen: $(cat "$out")"
}
start_serve "$T/serve.log" "$P"
MAIN_PID=$SERVE_PID
# A second server that trusts no address for plaintext, as a public one.
start_serve "$T/serve2.log" "$PN" -o serve.plaintext_on_loopback=false
STRICT_PID=$SERVE_PID

# -- sieve-connect over STARTTLS (its default), checking our certificate
printf 'pw-of-a\n' >"$T/pw"
chmod 0600 "$T/pw"
sc() {
  timeout 30 sieve-connect -s 127.0.0.1 -p "$PN" -u "$A" --passwordfd 3 --authmech PLAIN \
    --tlscafile "$T/tls.crt" --tlshostname localhost "$@" 3<"$T/pw"
}
cat >"$T/filter.sieve" <<'EOF'
require ["fileinto"];
# uploaded with sieve-connect
if header :contains "subject" "sieve-test" { fileinto "Filtered"; }
EOF
sc --localsieve "$T/filter.sieve" --remotesieve filter --upload >"$T/sc.out" 2>&1 &&
  pass "sieve-connect --upload over STARTTLS" || fail "sieve-connect upload: $(cat "$T/sc.out")"
cmp -s "$T/filter.sieve" "$home_a/sieve/filter.sieve" && pass "stored as ~/sieve/filter.sieve" ||
  fail "~/sieve/filter.sieve: $(ls -la "$home_a" "$home_a/sieve" 2>&1)"
[ "$(stat -c %U "$home_a/sieve/filter.sieve")" = "$A" ] && pass "the script file belongs to $A" ||
  fail "owner $(stat -c %U "$home_a/sieve/filter.sieve")"
sc --activate --remotesieve filter >"$T/sc.out" 2>&1 && pass "sieve-connect --activate" ||
  fail "activate: $(cat "$T/sc.out")"
[ "$(readlink "$home_a/.dovecot.sieve")" = "sieve/filter.sieve" ] &&
  pass "~/.dovecot.sieve -> sieve/filter.sieve" || fail "link: $(readlink "$home_a/.dovecot.sieve")"
out=$(sc --list 2>&1)
grep -q '^"filter" ACTIVE$' <<<"$out" &&
  pass "sieve-connect --list: $(tr '\n' ' ' <<<"$out")" || fail "list: $out"
sc --download --remotesieve filter --localsieve "$T/down.sieve" >"$T/sc.out" 2>&1
cmp -s "$T/filter.sieve" "$T/down.sieve" && pass "sieve-connect --download gives the bytes back" ||
  fail "download: $(cat "$T/sc.out")"
printf 'if true { fileinto "x" }\n' >"$T/broken.sieve"
if sc --localsieve "$T/broken.sieve" --remotesieve broken --upload >"$T/sc.out" 2>&1; then
  fail "sieve-connect uploaded a broken script"
else
  grep -q "broken:1:" "$T/sc.out" && pass "broken upload refused, line:col shown to the user" ||
    fail "broken upload: $(cat "$T/sc.out")"
fi

# -- the activated script is the one deliver runs
deliver() { # SUBJECT
  printf 'From: s@example.com\nTo: %s@example.net\nSubject: %s\n\nbody\n' "$A" "$1" |
    "$MAILROOM" deliver "${HERMETIC[@]}" -c /dev/null -d "$A" || die "deliver $1"
}
deliver "sieve-test one"
[ "$(count_files "$home_a/Maildir/.Filtered/new")" = 1 ] &&
  pass "deliver ran the activated script (fileinto Filtered)" ||
  fail "not filtered: $(find "$home_a/Maildir" -type f | head)"

# -- every command and the errors, over plain sockets and ssl
cat >"$T/ms.py" <<'EOF'
import base64, os, socket, ssl, sys, time
port, strict, user, other, home = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
failures = 0
def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond: failures += 1
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE

class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), 10)
        self.f = self.s.makefile("rb")
        self.greeting = self.response()
    def line(self):
        l = self.f.readline()
        if not l: raise EOFError("connection closed")
        if l.rstrip(b"\r\n").endswith(b"}") and b"{" in l:  # a literal follows
            n = int(l[l.rindex(b"{") + 1:-3].rstrip(b"+"))
            return l + self.f.read(n) + self.f.readline()
        return l
    def response(self):  # lines up to and with OK/NO/BYE
        out = []
        while True:
            l = self.line(); out.append(l.decode(errors="replace"))
            if l[:2] in (b"OK", b"NO") or l[:3] == b"BY": return out
    def cmd(self, text):
        self.s.sendall(text if isinstance(text, bytes) else text.encode())
        return self.response()
    def starttls(self):
        r = self.cmd("STARTTLS\r\n")
        self.s = ctx.wrap_socket(self.s); self.f = self.s.makefile("rb")
        return r, self.response()
def lit(data):
    data = data if isinstance(data, bytes) else data.encode()
    return b"{%d+}\r\n" % len(data) + data
def plain(u, p): return base64.b64encode(("\0%s\0%s" % (u, p)).encode()).decode()
def last(r): return r[-1].rstrip("\r\n")

# greeting and capabilities (RFC 5804 §1.7)
c = Conn(port)
caps = "".join(c.greeting)
check('"IMPLEMENTATION" "mailroom"' in caps and '"VERSION" "1.0"' in caps, "greeting capabilities")
check('"SASL" "PLAIN"' in caps and '"STARTTLS"' in caps, "SASL PLAIN (loopback) and STARTTLS")
sieve = [l for l in c.greeting if l.startswith('"SIEVE"')][0]
check(" fileinto " in sieve and " vacation " in sieve and " regex " in sieve, "SIEVE extensions: " + sieve.strip())
check('"MAXREDIRECTS" "4"' in caps and '"NOTIFY" "mailto"' in caps, "MAXREDIRECTS and NOTIFY")
check('"UNAUTHENTICATE"' in caps, "UNAUTHENTICATE capability")
check(last(c.greeting).startswith("OK"), "greeting ends in OK")
check(last(c.cmd("LISTSCRIPTS\r\n")).startswith("NO"), "LISTSCRIPTS before login refused")
check(last(c.cmd('AUTHENTICATE "PLAIN" "%s"\r\n' % plain(user, "wrong"))) == 'NO "Authentication failed."',
      "wrong password: NO")
c.s.sendall(b'AUTHENTICATE "PLAIN"\r\n')
check(c.line() == b'""\r\n', 'empty challenge for AUTHENTICATE without initial response')
r = c.cmd(lit(plain(user, "pw-of-a")) + b"\r\n")
check(last(r) == 'OK "Logged in."', "SASL response as a literal: " + last(r))
check(last(c.cmd("NOOP \"tag1\"\r\n")) == 'OK (TAG "tag1") "Done"', "NOOP with tag")
r = c.cmd("CAPABILITY\r\n")
check(last(r).startswith("OK") and not any("STARTTLS" in l for l in r), "CAPABILITY after login, no STARTTLS")

r = c.cmd("LISTSCRIPTS\r\n")
check(r[:-1] == ['"filter" ACTIVE\r\n'], "LISTSCRIPTS shows the active filter: " + "".join(r))
r = c.cmd('GETSCRIPT "filter"\r\n')
check(r[0].startswith("{") and "uploaded with sieve-connect" in r[0] and last(r).startswith("OK"), "GETSCRIPT")
check(last(c.cmd('GETSCRIPT "nope"\r\n')).startswith("NO (NONEXISTENT)"), "GETSCRIPT of a missing script: NONEXISTENT")

other_script = 'require "fileinto";\r\nif header :contains "subject" "sieve-test" { fileinto "Other"; }\r\n'
check(last(c.cmd(b'PUTSCRIPT "other" ' + lit(other_script) + b"\r\n")) == 'OK "PUTSCRIPT completed."', "PUTSCRIPT other")
check(last(c.cmd(b'CHECKSCRIPT ' + lit(other_script) + b"\r\n")) == 'OK "Script is valid."', "CHECKSCRIPT good")
bad = 'require "fileinto";\r\nif true {\r\n  fileinto "x"\r\n}\r\n'
r = c.cmd(b'PUTSCRIPT "bad" ' + lit(bad) + b"\r\n")
check(last(r).startswith('NO "bad:4:') or last(r).startswith('NO "bad:3:'), "bad script: NO with line:col: " + last(r))
r = c.cmd(b'CHECKSCRIPT ' + lit("keep;\r\nfoo;\r\n") + b"\r\n")
check(last(r).startswith('NO "script:2:1: error: unknown command'), "CHECKSCRIPT bad: " + last(r))
check(not os.path.exists(os.path.join(home, "sieve", "bad.sieve")), "the bad script was not stored")

for name in ("../escape", "..", ".hidden", "a/b", "/tmp/abs", "tab\there", "\u2028x"):
    r = c.cmd(b'PUTSCRIPT ' + lit(name) + b" " + lit("keep;") + b"\r\n")
    check(last(r).startswith("NO"), "name %r refused: %s" % (name, last(r)))
check(not os.path.exists(os.path.join(home, "escape.sieve")) and not os.path.exists("/tmp/abs.sieve"),
      "nothing written outside ~/sieve")
check(last(c.cmd('GETSCRIPT "../.dovecot"\r\n')).startswith("NO"), "GETSCRIPT ../ refused")

check(last(c.cmd('DELETESCRIPT "filter"\r\n')).startswith("NO (ACTIVE)"), "DELETESCRIPT of the active script refused")
check(last(c.cmd('RENAMESCRIPT "other" "filter"\r\n')).startswith("NO (ALREADYEXISTS)"), "RENAMESCRIPT onto a name in use")
check(last(c.cmd('RENAMESCRIPT "other" "second"\r\n')) == 'OK "Script renamed."', "RENAMESCRIPT")
check(last(c.cmd('SETACTIVE "second"\r\n')) == 'OK "Script activated."', "SETACTIVE second")
r = c.cmd("LISTSCRIPTS\r\n")
check(sorted(r[:-1]) == ['"filter"\r\n', '"second" ACTIVE\r\n'], "LISTSCRIPTS after SETACTIVE: " + "".join(r))
check(last(c.cmd('SETACTIVE "missing"\r\n')).startswith("NO (NONEXISTENT)"), "SETACTIVE of a missing script")

check(last(c.cmd('HAVESPACE "x" 4096\r\n')).startswith("OK"), "HAVESPACE within the limit")
check(last(c.cmd('HAVESPACE "x" 4097\r\n')).startswith("NO (QUOTA/MAXSIZE)"), "HAVESPACE over the script size")
big = "# " + "x" * 5000 + "\r\nkeep;\r\n"
r = c.cmd(b'PUTSCRIPT "big" ' + lit(big) + b"\r\n")
check(last(r).startswith("NO (QUOTA/MAXSIZE)"), "a literal over the limit: " + last(r))
check(last(c.cmd("NOOP\r\n")) == 'OK "Done"', "the session goes on after the refused literal")
r = c.cmd("NOOP " + "y" * 20000 + "\r\n")
check(last(r) == 'NO "line too long"', "over-long line: NO")
for i in range(3):
    c.cmd(b'PUTSCRIPT "n%d" ' % i + lit("keep;") + b"\r\n")
check(last(c.cmd(b'PUTSCRIPT "n9" ' + lit("keep;") + b"\r\n")).startswith("NO (QUOTA/MAXSCRIPTS)"), "the 6th script refused")
for i in range(3):
    c.cmd('DELETESCRIPT "n%d"\r\n' % i)
check(last(c.cmd("UNAUTHENTICATE\r\n")) == 'OK "Unauthenticated."', "UNAUTHENTICATE (RFC 5804 2.14.1)")
check(last(c.cmd("LISTSCRIPTS\r\n")).startswith("NO"), "after UNAUTHENTICATE: not authenticated")
check(last(c.cmd('AUTHENTICATE "PLAIN" "%s"\r\n' % plain(other, "pw-of-b"))) == 'OK "Logged in."',
      "a new login after UNAUTHENTICATE, as another user")
check(c.cmd("LISTSCRIPTS\r\n") == ['OK "Listscripts completed."\r\n'], "the new session is the other user's")
check(last(c.cmd("XYZZY\r\n")) == 'NO "Unknown command."', "unknown command")
check(last(c.cmd("LOGOUT\r\n")).startswith("OK"), "LOGOUT")
check(c.f.readline() == b"", "connection closed after LOGOUT")

# pipelined: commands right after AUTHENTICATE go to the session
c = Conn(port)
c.s.sendall(('AUTHENTICATE "PLAIN" "%s"\r\nLISTSCRIPTS\r\nLOGOUT\r\n' % plain(user, "pw-of-a")).encode())
r1, r2, r3 = c.response(), c.response(), c.response()
check(last(r1) == 'OK "Logged in."' and '"second" ACTIVE\r\n' in r2 and last(r3).startswith("OK"), "pipelined after AUTHENTICATE")

# B sees none of A's scripts
c = Conn(port)
c.cmd('AUTHENTICATE "PLAIN" "%s"\r\n' % plain(other, "pw-of-b"))
check(c.cmd("LISTSCRIPTS\r\n") == ['OK "Listscripts completed."\r\n'], "another user sees no script of A")
check(last(c.cmd('GETSCRIPT "filter"\r\n')).startswith("NO (NONEXISTENT)"), "nor gets one")

# plaintext before TLS where loopback is not trusted; then STARTTLS (§2.2)
c = Conn(strict)
caps = "".join(c.greeting)
check('"SASL" ""' in caps and '"STARTTLS"' in caps, "strict: no SASL mechanism before TLS")
r = c.cmd('AUTHENTICATE "PLAIN" "%s"\r\n' % plain(user, "pw-of-a"))
check(last(r).startswith("NO (ENCRYPT-NEEDED)"), "strict: plaintext refused: " + last(r))
# CVE-2011-0411: a command sent with STARTTLS is not run after the handshake
c.s.sendall(b"STARTTLS\r\nLOGOUT\r\n")
check(last(c.response()).startswith("OK"), "STARTTLS: OK")
c.s = ctx.wrap_socket(c.s); c.f = c.s.makefile("rb")
again = c.response()
check(c.s.version() in ("TLSv1.2", "TLSv1.3") and '"SASL" "PLAIN"' in "".join(again) and
      "STARTTLS" not in "".join(again) and last(again).startswith("OK"),
      "capabilities again after TLS (%s), LOGOUT sent before it dropped" % c.s.version())
check(last(c.cmd('AUTHENTICATE "PLAIN" "%s"\r\n' % plain(user, "pw-of-a"))) == 'OK "Logged in."', "login over TLS")
check(last(c.cmd('SETACTIVE ""\r\n')) == 'OK "No script is active."', 'SETACTIVE "" deactivates')
check(not os.path.lexists(os.path.join(home, ".dovecot.sieve")), "~/.dovecot.sieve removed")
check(last(c.cmd('SETACTIVE "second"\r\n')).startswith("OK"), "SETACTIVE second again")
check(last(c.cmd("UNAUTHENTICATE\r\n")).startswith("OK"), "UNAUTHENTICATE over TLS")
check(last(c.cmd('AUTHENTICATE "PLAIN" "%s"\r\n' % plain(user, "pw-of-a"))) == 'OK "Logged in."' and
      c.s.version() in ("TLSv1.2", "TLSv1.3"), "a new login on the same TLS connection")
check('"second" ACTIVE\r\n' in c.cmd("LISTSCRIPTS\r\n"), "and its session works")
c.cmd("LOGOUT\r\n")
sys.exit(1 if failures else 0)
EOF
if $PY "$T/ms.py" "$P" "$PN" "$A" "$B" "$home_a" >"$T/ms.out" 2>&1; then
  pass "python ManageSieve client: $(grep -c '^ok:' "$T/ms.out") checks"
else
  fail "python ManageSieve client: $(grep -v '^ok:' "$T/ms.out")"
fi
sed 's/^/  /' "$T/ms.out" >&2

# -- deliver follows the activation: "second" files into Other now
deliver "sieve-test two"
[ "$(count_files "$home_a/Maildir/.Other/new")" = 1 ] &&
  [ "$(count_files "$home_a/Maildir/.Filtered/new")" = 1 ] &&
  pass "after SETACTIVE second, deliver ran second (fileinto Other)" ||
  fail "second not run: $(find "$home_a/Maildir" -type f | head)"

# -- sieve-connect deletes: refused while active, done once deactivated
if sc --delete --remotesieve second >"$T/sc.out" 2>&1; then
  fail "sieve-connect deleted the active script"
else
  pass "sieve-connect --delete of the active script refused"
fi
sc --deactivate >"$T/sc.out" 2>&1 && sc --delete --remotesieve second >>"$T/sc.out" 2>&1 &&
  sc --delete --remotesieve filter >>"$T/sc.out" 2>&1 &&
  pass "sieve-connect --deactivate, --delete" || fail "delete: $(cat "$T/sc.out")"
[ -z "$(ls "$home_a/sieve")" ] && [ ! -L "$home_a/.dovecot.sieve" ] &&
  pass "~/sieve is empty, no active link" || fail "left: $(ls -la "$home_a/sieve")"
deliver "sieve-test three"
[ "$(count_files "$home_a/Maildir/new")" = 1 ] && pass "no script active: INBOX" ||
  fail "after deactivation: $(find "$home_a/Maildir" -type f | head)"

# -- the processes: the session ran as the user; SIGTERM ends the servers
kill -TERM "$MAIN_PID" "$STRICT_PID"
wait "$MAIN_PID"; rc=$?
[ $rc -eq 0 ] && pass "SIGTERM: exit 0" || fail "SIGTERM: exit $rc"
wait "$STRICT_PID"
grep -q "sieve: login $A from 127.0.0.1" "$T/serve.log" "$T/serve2.log" && pass "logins logged as sieve" ||
  fail "log: $(cat "$T/serve.log")"
grep -qiE 'AddressSanitizer|runtime error' "$T/serve.log" "$T/serve2.log" && fail "sanitizer"
finish
