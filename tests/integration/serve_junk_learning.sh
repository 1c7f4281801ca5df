#!/usr/bin/env bash
# Learning from the user (issue 15): `mailroom serve` trains the user's
# spam store from what the mail client does over IMAP, driven by Python's
# imaplib: MOVE, COPY and APPEND (Outlook) into Junk learn spam; MOVE out
# of Junk to INBOX learns ham and unlearns spam; Junk -> Trash learns
# nothing; STORE +FLAGS ($Junk) / ($NotJunk) learn spam / ham; a message
# moved into Junk twice counts once. After every step the store's counts
# are read with `mailroom learn --stats --user`. A second server with
# serve.imap_learn_junk=false trains nothing. Processes killed by pid.
TEST_NAME=serve_junk_learning
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd openssl /usr/bin/python3
find_mailroom
make_scratch
install_mailroom
make_user A mrja
make_user B mrjb
PY=/usr/bin/python3

deliver() { # USER ID
  printf 'From: Sender <s@example.com>\nTo: %s@example.net\nMessage-ID: <%s@example.com>\nDate: Sat, 05 Dec 2026 10:00:00 +0000\nSubject: junk %s\nX-Test-Id: %s\n\nbody of %s, nothing like the others %s\n' \
    "$1" "$2" "$2" "$2" "$2" "$RANDOM$2" | "$MAILROOM" deliver "${HERMETIC[@]}" -c /dev/null -d "$1" ||
    die "deliver $2 to $1"
}
for id in m1 m2 m4 m5; do deliver "$A" "$id"; done
deliver "$B" n1

openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=localhost" -days 2 \
  -keyout "$T/tls.key" -out "$T/tls.crt" 2>/dev/null || die "openssl req"
{
  echo "$A:{PLAIN}pw-of-a:$(id -u "$A"):$(id -g "$A")::$T/home/$A::"
  echo "$B:{PLAIN}pw-of-b:$(id -u "$B"):$(id -g "$B")::$T/home/$B::"
} >"$T/users"
chmod 0600 "$T/users"

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_open() { $PY -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1).close()" 2>/dev/null; }
start_serve() { # PORT LOG EXTRA-ARGS...
  local port=$1 out=$2
  shift 2
  "$MAILROOM" serve -c /dev/null -o log.target=stderr -o log.level=debug \
    -o "serve.tls_cert=$T/tls.crt" -o "serve.tls_key=$T/tls.key" -o "serve.passdb=$T/users" \
    -o "serve.listeners=imap://127.0.0.1:$port" "$@" 2>"$out" &
  cleanup_add "kill -KILL $!"
  wait_for 10 port_open "$port" || die "serve did not listen: $(cat "$out")"
}
P=$(free_port); POFF=$(free_port)
start_serve "$P" "$T/serve.log"
start_serve "$POFF" "$T/serve-off.log" -o serve.imap_learn_junk=false

cat >"$T/junk.py" <<'EOF'
import imaplib, re, subprocess, sys

port, user, password, mode, stats_cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
failed = 0

def counts():
    run = subprocess.run(stats_cmd, capture_output=True, text=True)
    found = re.match(r"spam (\d+) ham (\d+)", run.stdout)
    return (int(found.group(1)), int(found.group(2))) if found else run.stdout + run.stderr

def expect(spam, ham, what):
    global failed
    got = counts()
    if got == (spam, ham):
        print("ok: %s (spam %d ham %d)" % (what, spam, ham))
    else:
        failed += 1
        print("FAIL: %s: want spam %d ham %d, store has %s" % (what, spam, ham, got))

m = imaplib.IMAP4("127.0.0.1", port)
m.login(user, password)
for box in ("Junk", "Trash", "Archive"):
    m.create(box)  # NO when it is there already

def uid_of(box, test_id):
    m.select(box)
    typ, data = m.uid("SEARCH", "HEADER", "X-Test-Id", test_id)
    uids = data[0].split() if typ == "OK" else []
    return uids[0].decode() if uids else None

def do(box, test_id, *command):
    uid = uid_of(box, test_id)
    typ, data = m.uid(command[0], uid, *command[1:])
    if typ != "OK":
        print("FAIL: %s %s in %s: %s %s" % (command[0], test_id, box, typ, data))
        sys.exit(1)

if mode in ("off", "broken"):  # do() exits 1 unless every command is OK
    do("INBOX", "n1", "MOVE", "Junk")
    do("Junk", "n1", "MOVE", "INBOX")
    do("INBOX", "n1", "STORE", "+FLAGS", "($Junk)")
    if mode == "off":
        expect(0, 0, "serve.imap_learn_junk=false: MOVE, STORE $Junk train nothing")
    print("ok: every command OK")
    sys.exit(1 if failed else 0)

expect(0, 0, "nothing learnt before")
do("INBOX", "m1", "MOVE", "Junk")
expect(1, 0, "MOVE INBOX -> Junk learns spam")
do("INBOX", "m2", "COPY", "Junk")
expect(2, 0, "COPY INBOX -> Junk learns spam")
msg = (b"From: outlook@example.com\r\nMessage-ID: <m3@example.com>\r\nSubject: junk m3\r\n"
       b"X-Test-Id: m3\r\n\r\nappended by a client that moves by APPEND and delete\r\n")
typ, _ = m.append("Junk", "(\\Seen)", None, msg)
expect(3, 0, "APPEND into Junk learns spam (Outlook)" + ("" if typ == "OK" else " [APPEND " + typ + "]"))
do("Junk", "m1", "MOVE", "INBOX")
expect(2, 1, "MOVE Junk -> INBOX learns ham and unlearns spam")
do("Junk", "m2", "MOVE", "Trash")
expect(2, 1, "MOVE Junk -> Trash learns nothing")
do("Junk", "m3", "COPY", "Archive")
expect(1, 2, "COPY Junk -> Archive learns ham")
do("INBOX", "m4", "MOVE", "Junk")
expect(2, 2, "MOVE m4 into Junk")
do("Junk", "m4", "MOVE", "Trash")
do("Trash", "m4", "MOVE", "Junk")
expect(2, 2, "the same message moved into Junk twice counts once")
do("INBOX", "m5", "STORE", "+FLAGS", "($Junk)")
expect(3, 2, "STORE +FLAGS ($Junk) learns spam")
do("INBOX", "m5", "STORE", "+FLAGS", "($NotJunk)")
expect(2, 3, "STORE +FLAGS ($NotJunk) learns ham and unlearns spam")
do("INBOX", "m5", "STORE", "-FLAGS", "($NotJunk $Junk)")
expect(2, 3, "STORE -FLAGS learns nothing")
do("INBOX", "m1", "MOVE", "Junk")
expect(3, 2, "m1 moved back into Junk: unlearnt from ham, learnt as spam once")
m.logout()
sys.exit(1 if failed else 0)
EOF

stats_a=("$MAILROOM" learn --stats --user "$A")
if $PY "$T/junk.py" "$P" "$A" pw-of-a train "${stats_a[@]}" >"$T/junk.out" 2>&1; then
  pass "imaplib training: $(grep -c '^ok:' "$T/junk.out") checks"
else
  fail "imaplib training: $(grep -v '^ok:' "$T/junk.out")"
fi
sed 's/^/  /' "$T/junk.out" >&2

if $PY "$T/junk.py" "$POFF" "$B" pw-of-b off "$MAILROOM" learn --stats --user "$B" >"$T/off.out" 2>&1; then
  pass "serve.imap_learn_junk=false trains nothing"
else
  fail "serve.imap_learn_junk=false: $(cat "$T/off.out")"
fi

# A training failure never fails the command: B's store is a file, not
# the LMDB directory, so every training fails; the commands still succeed.
install -d -o "$B" "$T/home/$B/.mailroom"
install -o "$B" /dev/null "$T/home/$B/.mailroom/spam"
if $PY "$T/junk.py" "$P" "$B" pw-of-b broken >"$T/broken.out" 2>&1; then
  pass "an unwritable store does not fail MOVE or STORE"
else
  fail "unwritable store: $(cat "$T/broken.out")"
fi
grep -q "imap: cannot train" "$T/serve.log" && pass "the training failure is logged" ||
  fail "no training failure in the log: $(cat "$T/serve.log")"
grep -q "imap: learnt" "$T/serve.log" && pass "training logged" || fail "no training in the log"
finish
