#!/usr/bin/env bash
# `mailroom serve` with serve.passdb = "pam:SERVICE": a real system user,
# added here with useradd and given a password with chpasswd, logs in over
# POP3 and ManageSieve through PAM (pam_unix reading /etc/shadow, from a
# service file this test installs into /etc/pam.d); a wrong password and an
# unknown user are refused, a locked account too (pam_acct_mgmt). The
# helper mailroom-pam-auth is also run directly. The user, the PAM file and
# every process started here are removed at the end.
TEST_NAME=serve_pam
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd chpasswd usermod /usr/bin/python3
find_mailroom
HELPER=${MAILROOM_PAM_HELPER:-$(dirname "$MAILROOM")/../server/mailroom-pam-auth}
[ -x "$HELPER" ] || die "no PAM helper at $HELPER (set MAILROOM_PAM_HELPER)"
[ -e /usr/lib/x86_64-linux-gnu/security/pam_unix.so ] || [ -n "$(find /usr/lib /lib -name pam_unix.so 2>/dev/null | head -1)" ] ||
  die "pam_unix.so missing (libpam-modules)"
make_scratch
install_mailroom
cp "$HELPER" "$T/bin/mailroom-pam-auth" && chmod 0755 "$T/bin/mailroom-pam-auth"
HELPER="$T/bin/mailroom-pam-auth"
make_user U mrpam
printf '%s:%s\n' "$U" 'Pam-pw 1' | chpasswd || die "chpasswd"
PY=/usr/bin/python3
service="mailroom-test-$$"
cat >"/etc/pam.d/$service" <<EOF2
# installed by mailroom's tests/integration/serve_pam.sh; removed at its end
auth    required pam_unix.so nodelay
account required pam_unix.so
EOF2
cleanup_add "rm -f '/etc/pam.d/$service'"

# -- the helper alone
check_helper() { printf '%s\0%s' "$1" "$2" | "$HELPER" "$service" 127.0.0.1; }
out=$(check_helper "$U" 'Pam-pw 1'); rc=$?
[ "$out" = OK ] && [ $rc -eq 0 ] && pass "helper: right password OK" || fail "helper: $out ($rc)"
out=$(check_helper "$U" 'wrong'); rc=$?
[ "$out" = FAIL ] && [ $rc -eq 1 ] && pass "helper: wrong password FAIL" || fail "helper wrong: $out ($rc)"
out=$(check_helper "nosuchuser$$" 'x'); rc=$?
[ "$out" = FAIL ] && pass "helper: unknown user FAIL" || fail "helper unknown: $out ($rc)"
out=$("$HELPER" "$service" </dev/null); rc=$?
[ "$out" = FAIL ] && pass "helper: empty request FAIL" || fail "helper empty: $out ($rc)"
[ "$(ldd "$HELPER" | grep -c libpam)" -ge 1 ] && pass "helper linked to libpam dynamically" ||
  fail "helper: $(ldd "$HELPER")"

printf 'From: s@example.com\nSubject: pam\n\nbody\n' |
  "$MAILROOM" deliver "${HERMETIC[@]}" -c /dev/null -d "$U" || die "deliver"

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_open() { $PY -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1).close()" 2>/dev/null; }
P=$(free_port); S=$(free_port)
"$MAILROOM" serve -c /dev/null -o log.target=stderr -o log.level=debug \
  -o "serve.listeners=pop3://127.0.0.1:$P,sieve://127.0.0.1:$S" -o "serve.passdb=pam:$service" \
  -o "serve.pam_helper=$HELPER" -o serve.auth_delay=1s 2>"$T/serve.log" &
SERVE_PID=$!
cleanup_add "kill -KILL $SERVE_PID 2>/dev/null"
wait_for 10 port_open "$P" || die "serve did not listen: $(cat "$T/serve.log")"

cat >"$T/pam.py" <<'EOF2'
import base64, poplib, socket, sys
pop, sieve, user = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
failures = 0
def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond: failures += 1
p = poplib.POP3("127.0.0.1", pop, timeout=20)
p.user(user); r = p.pass_("Pam-pw 1")
check(r.startswith(b"+OK") and p.stat()[0] == 1, "POP3 login through PAM sees the delivered message")
p.quit()
p = poplib.POP3("127.0.0.1", pop, timeout=20)
p.user(user)
try:
    p.pass_("wrong"); check(False, "wrong password accepted")
except poplib.error_proto as e:
    check(str(e).startswith("b'-ERR [AUTH]"), "POP3 wrong password: " + str(e))
s = socket.create_connection(("127.0.0.1", sieve), 20); f = s.makefile("rb")
while not f.readline().startswith(b"OK"): pass
s.sendall(b'AUTHENTICATE "PLAIN" "%s"\r\n' % base64.b64encode(b"\0" + user.encode() + b"\0Pam-pw 1"))
check(f.readline() == b'OK "Logged in."\r\n', "ManageSieve login through PAM")
s.sendall(b'LISTSCRIPTS\r\nLOGOUT\r\n')
check(f.readline().startswith(b"OK"), "ManageSieve session as the PAM user")
sys.exit(1 if failures else 0)
EOF2
if $PY "$T/pam.py" "$P" "$S" "$U" >"$T/pam.out" 2>&1; then
  pass "POP3 and ManageSieve through PAM: $(grep -c '^ok:' "$T/pam.out") checks"
else
  fail "PAM logins: $(cat "$T/pam.out")"
fi
# a locked account: the password is right, pam_unix's account or auth step refuses
usermod -L "$U" || die "usermod -L"
out=$($PY - "$P" "$U" <<'EOF2'
import poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=20); p.user(sys.argv[2])
try: p.pass_("Pam-pw 1"); print("accepted")
except poplib.error_proto as e: print(e)
EOF2
)
grep -q -- "-ERR \[AUTH\]" <<<"$out" && pass "locked account refused" || fail "locked: $out"
grep -q "pop3: login $U from 127.0.0.1" "$T/serve.log" && pass "login logged" || fail "log: $(cat "$T/serve.log")"
kill -TERM "$SERVE_PID"; wait "$SERVE_PID"
finish
