#!/usr/bin/env bash
# systemd socket activation of `mailroom serve` (sd_listen_fds(3)): a small
# Python launcher does what systemd does for mailroom-serve.socket: binds and
# listens, then execs the server with the socket as descriptor 3 and
# LISTEN_FDS=1, LISTEN_PID=its pid. The server must take that socket (its
# own bind of the same port would fail: the port is held), serve POP3 and
# ManageSieve on passed sockets, bind the listeners systemd did not pass,
# and refuse (exit 78) a passed socket that no listener names. Every
# process it starts is killed by pid.
TEST_NAME=serve_socket_activation
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd /usr/bin/python3
find_mailroom
make_scratch
install_mailroom
make_user A mrsock
PY=/usr/bin/python3
echo "$A:{PLAIN}pw-a:$(id -u "$A"):$(id -g "$A")::$T/home/$A::" >"$T/users"
chmod 0600 "$T/users"
printf 'From: s@example.com\nSubject: sock\n\nbody\n' |
  "$MAILROOM" deliver "${HERMETIC[@]}" -c /dev/null -d "$A" || die "deliver"

# launch.py PORT... -- ARGV: listens on each 127.0.0.1:PORT, passes them as
# descriptors 3, 4, ... and execs ARGV with LISTEN_FDS and LISTEN_PID set.
cat >"$T/launch.py" <<'EOF2'
import os, socket, sys
split = sys.argv.index("--")
ports, argv = [int(p) for p in sys.argv[1:split]], sys.argv[split + 1:]
socks = []
for port in ports:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(16)
    socks.append(s)
# Move them to 3, 4, ... (first out of the way, so none overwrites another).
high = [os.dup(s.fileno()) for s in socks]
for s in socks: s.close()
for i, fd in enumerate(high):
    os.dup2(fd, 3 + i, inheritable=True)
    os.close(fd)
env = dict(os.environ, LISTEN_FDS=str(len(ports)), LISTEN_PID=str(os.getpid()))
os.execve(argv[0], argv, env)
EOF2
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_open() { $PY -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1).close()" 2>/dev/null; }
P=$(free_port); S=$(free_port); O=$(free_port); X=$(free_port)

# -- POP3 and ManageSieve on passed sockets, one more listener bound by serve
$PY "$T/launch.py" "$P" "$S" -- "$MAILROOM" serve -c /dev/null -o log.target=stderr \
  -o "serve.listeners=pop3://127.0.0.1:$P,sieve://127.0.0.1:$S,pop3://127.0.0.1:$O" \
  -o "serve.passdb=$T/users" 2>"$T/serve.log" &
PID=$!
cleanup_add "kill -KILL $PID 2>/dev/null"
wait_for 10 port_open "$O" || die "serve did not start: $(cat "$T/serve.log")"
out=$($PY - "$P" "$S" "$O" "$A" <<'EOF2'
import poplib, socket, sys
p, s, o, user = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
for port in (p, o):
    c = poplib.POP3("127.0.0.1", port, timeout=10); c.user(user); c.pass_("pw-a")
    print("pop3", port, c.stat()[0]); c.quit()
c = socket.create_connection(("127.0.0.1", s), 10); f = c.makefile("rb")
lines = []
while not lines or not lines[-1].startswith(b"OK"): lines.append(f.readline())
print("sieve", b'"IMPLEMENTATION" "mailroom"\r\n' in lines)
EOF2
)
grep -q "^pop3 $P 1$" <<<"$out" && pass "POP3 on the socket systemd passed" || fail "passed pop3: $out $(cat "$T/serve.log")"
grep -q "^sieve True$" <<<"$out" && pass "ManageSieve on the second passed socket" || fail "passed sieve: $out"
grep -q "^pop3 $O 1$" <<<"$out" && pass "a listener not passed is bound by serve" || fail "own bind: $out"
grep -q "serve: 127.0.0.1:$P from systemd" "$T/serve.log" && grep -q "serve: 127.0.0.1:$S from systemd" "$T/serve.log" &&
  pass "both passed sockets logged as from systemd" || fail "log: $(cat "$T/serve.log")"
kill -TERM "$PID"; wait "$PID"; rc=$?
[ $rc -eq 0 ] && pass "SIGTERM: exit 0" || fail "exit $rc"

# -- a passed socket that no listener names is a configuration error
$PY "$T/launch.py" "$X" -- "$MAILROOM" serve -c /dev/null -o log.target=stderr \
  -o "serve.listeners=pop3://127.0.0.1:$O" -o "serve.passdb=$T/users" 2>"$T/serve2.log" &
PID=$!
cleanup_add "kill -KILL $PID 2>/dev/null"
wait "$PID"; rc=$?
[ $rc -eq 78 ] && grep -q "no serve.listeners entry names" "$T/serve2.log" &&
  pass "a passed socket no listener names: exit 78" || fail "unnamed socket: exit $rc $(cat "$T/serve2.log")"
# -- LISTEN_PID of another process: the descriptors are not ours
LISTEN_FDS=1 LISTEN_PID=1 "$MAILROOM" serve -c /dev/null -o log.target=stderr \
  -o "serve.listeners=pop3://127.0.0.1:$O" -o "serve.passdb=$T/users" 2>"$T/serve3.log" 3</dev/null &
PID=$!
cleanup_add "kill -KILL $PID 2>/dev/null"
wait_for 10 port_open "$O" && pass "LISTEN_PID of another process ignored" || fail "$(cat "$T/serve3.log")"
kill -TERM "$PID"; wait "$PID"
finish
