#!/usr/bin/env bash
# `mailroom serve` as IMAP server (issue 15): messages delivered with
# `mailroom deliver`, read back by real clients: Python's imaplib (every
# command, tests/integration/lib/imap_client.py: literals, STARTTLS, IMAPS,
# AUTHENTICATE PLAIN, SPECIAL-USE, UIDPLUS, MOVE, IDLE seeing a delivery,
# path traversal refused, a user confined to its own Maildir), curl imap://
# and imaps://, mbsync pulling every folder into a local Maildir compared
# byte for byte, openssl s_client -starttls imap. Every process it starts
# is killed by pid.
TEST_NAME=serve_imap
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd openssl curl mbsync /usr/bin/python3
find_mailroom
make_scratch
install_mailroom
make_user A mria
make_user B mrib
PY=/usr/bin/python3

deliver() { # USER ID [BODY-LINE]
  printf 'From: Sender Name <s@example.com>\nTo: %s@example.net\nDate: Sat, 05 Dec 2026 10:00:00 +0000\nSubject: imap %s\nX-Test-Id: %s\n\n%s\nend\n' \
    "$1" "$2" "$2" "${3:-body}" | "$MAILROOM" deliver "${HERMETIC[@]}" -c /dev/null -d "$1" ||
    die "deliver $2 to $1"
}
deliver "$A" a1 "first"
deliver "$A" a2 "a unique-word here"
printf 'From: Sender Name <s@example.com>\nTo: %s@example.net\nDate: Sat, 05 Dec 2026 10:00:00 +0000\nSubject: imap a3\nX-Test-Id: a3\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain; charset=UTF-8\n\nhello\n--b1\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nQUJD\n--b1--\n' "$A" |
  "$MAILROOM" deliver "${HERMETIC[@]}" -c /dev/null -d "$A" || die "deliver a3"
deliver "$B" b1 "secret of b"

openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=localhost" -days 2 \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$T/tls.key" -out "$T/tls.crt" 2>/dev/null ||
  die "openssl req"
hash_b=$(printf 'pw-of-b\n' | "$MAILROOM" passwd) || die "mailroom passwd"
uid_a=$(id -u "$A"); gid_a=$(id -g "$A")
{
  echo "$A:{PLAIN}pw-of-a:$uid_a:$gid_a::$T/home/$A::"
  echo "$B:$hash_b:$(id -u "$B"):$(id -g "$B")::$T/home/$B::"
  # Misconfigured on purpose: A's uid with B's home (the kernel must refuse).
  echo "intruder:{PLAIN}pw-i:$uid_a:$gid_a::$T/home/$B::"
} >"$T/users"
chmod 0600 "$T/users"

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(free_port); PS=$(free_port); PN=$(free_port)
start_serve() { # LOG EXTRA-ARGS...: sets SERVE_PID
  local out=$1
  shift
  "$MAILROOM" serve -c /dev/null -o log.target=stderr -o log.level=debug \
    -o "serve.tls_cert=$T/tls.crt" -o "serve.tls_key=$T/tls.key" -o "serve.passdb=$T/users" \
    -o serve.auth_delay=1s "$@" 2>"$out" &
  SERVE_PID=$!
  cleanup_add "kill -KILL $SERVE_PID"
}
port_open() { $PY -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1).close()" 2>/dev/null; }
start_serve "$T/serve.log" -o "serve.listeners=imap://127.0.0.1:$P,imaps://127.0.0.1:$PS"
MAIN_PID=$SERVE_PID
start_serve "$T/serve2.log" -o "serve.listeners=imap://127.0.0.1:$PN" -o serve.plaintext_on_loopback=false
STRICT_PID=$SERVE_PID
wait_for 10 port_open "$P" && wait_for 10 port_open "$PS" && wait_for 10 port_open "$PN" ||
  die "serve did not listen: $(cat "$T/serve.log" "$T/serve2.log")"
grep -q "listening on imaps 127.0.0.1:$PS" "$T/serve.log" && pass "imap:// and imaps:// listeners" ||
  fail "listener log: $(cat "$T/serve.log")"

# -- imaplib: every command
export DELIVER_A="printf 'From: s@example.com\nSubject: idle\nX-Test-Id: idle1\n\nbody\n' | $MAILROOM deliver ${HERMETIC[*]} -c /dev/null -d $A"
export DELIVER_N="printf 'From: s@example.com\nSubject: concurrent\nX-Test-Id: %s\n\nbody\n' \"\$1\" | $MAILROOM deliver ${HERMETIC[*]} -c /dev/null -d $A"
if $PY "$here/lib/imap_client.py" "$P" "$PS" "$PN" "$A" "$B" "$T/home/$A/Maildir" >"$T/imap.out" 2>&1; then
  pass "imaplib: $(grep -c '^ok:' "$T/imap.out") checks"
else
  fail "imaplib: $(grep -v '^ok:' "$T/imap.out")"
fi
sed 's/^/  /' "$T/imap.out" >&2

# -- curl: a message over imap:// (plaintext on loopback) and imaps://
out=$(curl -s --max-time 10 "imap://$A:pw-of-a@127.0.0.1:$P/Junk;UID=1")
grep -q "X-Test-Id: a1" <<<"$out" && pass "curl imap:// FETCH Junk UID 1" || fail "curl imap://: $out"
out=$(curl -s -k --max-time 10 "imaps://$B:pw-of-b@127.0.0.1:$PS/INBOX;UID=1")
grep -q "secret of b" <<<"$out" && pass "curl imaps:// FETCH" || fail "curl imaps://: $out"
out=$(curl -s -k --ssl-reqd --max-time 10 "imap://$A:pw-of-a@127.0.0.1:$PN/" 2>&1)
grep -q '"INBOX"\|INBOX' <<<"$out" && pass "curl imap:// with STARTTLS required (LIST)" || fail "curl STARTTLS: $out"

# -- mbsync: every folder into a local Maildir, byte for byte
mkdir -p "$T/mb/local"
cat >"$T/mb/rc" <<EOF2
IMAPAccount a
Host localhost
Port $PS
User $A
Pass pw-of-a
SSLType IMAPS
CertificateFile $T/tls.crt

IMAPStore remote
Account a

MaildirStore local
Path $T/mb/local/
Inbox $T/mb/local/INBOX
SubFolders Verbatim

Channel all
Far :remote:
Near :local:
Patterns *
Create Near
Sync Pull
SyncState *
EOF2
if mbsync -c "$T/mb/rc" -a >"$T/mb/log" 2>&1; then
  pass "mbsync pulled every folder"
else
  fail "mbsync: $(tail -20 "$T/mb/log")"
fi
if $PY - "$T/home/$A/Maildir" "$T/mb/local" >"$T/mb/compare" 2>&1 <<'EOF2'
import os, re, sys
server, local = sys.argv[1], sys.argv[2]
def messages(root, strip_tuid=False):
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(root, sub)
        for n in os.listdir(d) if os.path.isdir(d) else []:
            data = open(os.path.join(d, n), "rb").read()
            if strip_tuid:
                # mbsync writes its own "X-TUID: <12 chars>" line at the end
                # of the header of every message it stores (to find it again
                # after an interruption): the one byte sequence not ours.
                head, sep, body = data.partition(b"\n\n")
                head, count = re.subn(rb"\nX-TUID: [A-Za-z0-9+/]{12}$", b"", head)
                if count != 1:
                    data = b"no X-TUID line: " + data
                else:
                    data = head + sep + body
            out.append(data)
    return sorted(out)
folders = {"INBOX": ("", "INBOX")}
for e in os.listdir(server):
    if e.startswith(".") and os.path.isdir(os.path.join(server, e, "cur")):
        folders[e[1:]] = (e, e[1:])
bad = 0
for name, (sdir, ldir) in sorted(folders.items()):
    s = messages(os.path.join(server, sdir))
    l = messages(os.path.join(local, ldir), strip_tuid=True)
    same = s == l
    print(("same" if same else "DIFFERENT"), name, len(s), "server messages,", len(l), "local")
    if not same and s and l:
        a, b = s[0], l[0]
        i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        print("  first difference at byte %d: server %r, local %r" % (i, a[max(0, i - 20):i + 40], b[max(0, i - 20):i + 40]))
    bad += 0 if same else 1
sys.exit(1 if bad or len(folders) < 3 else 0)
EOF2
then
  pass "mbsync copy equals the server's Maildir, byte for byte: $(tr '\n' ';' <"$T/mb/compare")"
else
  fail "mbsync copy differs: $(cat "$T/mb/compare")"
fi

# -- openssl s_client: the STARTTLS handshake
out=$( (sleep 1; printf 'a CAPABILITY\r\n'; sleep 1; printf 'b LOGOUT\r\n') |
  timeout 10 openssl s_client -ign_eof -starttls imap -connect "127.0.0.1:$P" 2>&1)
grep -qE 'Protocol *: *TLSv1\.[23]' <<<"$out" && grep -q '^\* CAPABILITY IMAP4rev1' <<<"$out" &&
  pass "openssl s_client -starttls imap" || fail "s_client: $(tail -20 <<<"$out")"

# -- the processes: login as nobody, the session as the user. Without TLS
# the login process hands the client's socket to the session and ends
# (one process per idle connection, bench/serve); with TLS it stays to
# relay (checked with openssl s_client below).
children() { ps -o user= --ppid "$(ps -o pid= --ppid "$MAIN_PID" | tr -d ' ')" | sort | tr '\n' ' '; }
exec 7<>"/dev/tcp/127.0.0.1/$P"
read -r -t 5 _ <&7
before=$(children)
printf 'a LOGIN %s pw-of-a\r\n' "$A" >&7
read -r -t 5 _ <&7
only_session() { [ "$(children)" = "$A " ]; }
if [ "$before" = "nobody " ] && wait_for 5 only_session; then
  pass "IMAP login as nobody; after a plaintext login only the session, as $A"
else
  fail "children before login: '$before', after: '$(children)'"
fi
printf 'b NOOP\r\n' >&7
read -r -t 5 line <&7
[[ "$line" == "b OK"* ]] && pass "the session answers the client itself: $line" || fail "after the hand-over: '$line'"
exec 7>&-
tls_pipe="$T/tls.in"
mkfifo "$tls_pipe"
timeout 20 openssl s_client -quiet -starttls imap -connect "127.0.0.1:$P" <"$tls_pipe" >"$T/tls.out" 2>/dev/null &
ossl=$!
exec 8>"$tls_pipe"
printf 'a LOGIN %s pw-of-a\r\n' "$A" >&8
both() { [ "$(children)" = "$A nobody " ]; }
wait_for 5 both && pass "after a login over TLS the login process (nobody) stays to relay" ||
  fail "children after a TLS login: '$(children)'"
printf 'b LOGOUT\r\n' >&8
exec 8>&-
wait "$ossl"

# -- serve.max_connections_per_ip still counts a session after the hand-over
PL=$(free_port)
start_serve "$T/serve3.log" -o "serve.listeners=imap://127.0.0.1:$PL" -o serve.max_connections_per_ip=2
LIMITED_PID=$SERVE_PID
wait_for 10 port_open "$PL" || die "serve did not listen: $(cat "$T/serve3.log")"
if $PY - "$PL" "$A" <<'EOF2'; then
import socket, sys, time
port, user = int(sys.argv[1]), sys.argv[2]
held = []
for i in range(2):
    s = socket.create_connection(("127.0.0.1", port), 5)
    f = s.makefile("rb")
    f.readline()
    s.sendall(b"a LOGIN %s pw-of-a\r\n" % user.encode())
    assert f.readline().startswith(b"a OK"), "login %d" % i
    held.append((s, f))
time.sleep(0.5)  # the login processes have ended: the sessions hold the connections
third = socket.create_connection(("127.0.0.1", port), 5)
third.settimeout(5)
sys.exit(0 if third.recv(100) == b"" else 1)
EOF2
  pass "max_connections_per_ip=2: a third connection is closed while two sessions are logged in"
else
  fail "max_connections_per_ip not applied after the hand-over"
fi
kill -TERM "$LIMITED_PID"
wait "$LIMITED_PID"

kill -TERM "$MAIN_PID" "$STRICT_PID"
wait "$MAIN_PID"; rc=$?
[ $rc -eq 0 ] && pass "SIGTERM: exit 0" || fail "SIGTERM: exit $rc"
wait "$STRICT_PID"
grep -qiE 'AddressSanitizer|runtime error' "$T/serve.log" && fail "sanitizer: $(cat "$T/serve.log")"
finish
