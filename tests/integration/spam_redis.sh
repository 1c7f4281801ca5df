#!/usr/bin/env bash
# The spam token store on Redis (issue 14: "Sites with several MX hosts
# share one store on Redis"), with the real binary, a real user and a real
# redis-server started here on loopback (a free port, no persistence,
# stopped by its pid). Two "hosts" are two configuration files (their own
# Maildir root and hostname) pointing at that server: what host A learns,
# host B's `mailroom score` sees, and the reverse (also what A's IMAP
# server learns from a move into Junk); relearning moves a
# message between classes instead of counting it twice (learn --stats on
# both hosts); another site's prefix sees nothing of it. With the server
# gone or silent, `mailroom deliver` still delivers (exit 0), the log
# saying it scored with the rules alone, and `mailroom learn` fails with a
# clear error and exit 75.
TEST_NAME=spam_redis
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd redis-server openssl /usr/bin/python3
find_mailroom
make_scratch
install_mailroom
make_user U mrsr
HOME_U="$T/home/$U"
# The configuration files where deliver trusts them (only root can write
# every directory above; not /tmp).
G=$(mktemp -d /var/lib/mailroom-spam-redis.XXXXXX) || die "mktemp /var/lib"
cleanup_add "rm -rf '$G'"
chmod 0755 "$G"

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# -- the server: loopback, a free port, nothing written to disk
PORT=$(free_port)
mkdir -p "$T/redis"
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$T/redis" \
  --daemonize no --loglevel warning >"$T/redis/log" 2>&1 &
REDIS_PID=$!
cleanup_add "kill $REDIS_PID; wait $REDIS_PID"
URL="redis://127.0.0.1:$PORT"

# host CONF NAME MAILDIR [PREFIX]: one host's configuration file.
host() {
  cat >"$G/$1.toml" <<EOF
[auth]
enabled = false
dns_server = "127.0.0.1:9"
[log]
target = "stderr"
[maildir]
fsync = false
hostname = "$2.example.net"
[users]
maildir = "~/$3"
[spam]
store = "$URL"
redis_prefix = "${4:-site1:%u:}"
EOF
}
host A mx1 Maildir
host B mx2 MaildirB
host C mx9 MaildirC "site2:%u:"
learn() { "$MAILROOM" learn -c "$G/$1.toml" --user "$U" "${@:2}" 2>&1; }
score() { "$MAILROOM" score -c "$G/$1.toml" --user "$U" "$2" 2>&1; }
stats() { "$MAILROOM" learn -c "$G/$1.toml" --user "$U" --stats 2>&1; }
score_of() { [[ $1 =~ ^SCL\ (-?[0-9])\ score=(-?[0-9.]+) ]] && echo "${BASH_REMATCH[2]}"; }
# less X Y: X < Y as numbers
less() { /usr/bin/python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$1" "$2"; }

retry 40 "$MAILROOM" learn -c "$G/A.toml" --user "$U" --stats || die "redis-server did not answer: $(cat "$T/redis/log")"

# msg FILE ID WORDS...: a message whose body is the words (IDs keep bodies apart).
msg() {
  local file=$1 id=$2
  shift 2
  { printf 'From: s%s@example.com\nTo: %s@example.net\nMessage-ID: <%s@example.com>\nSubject: note %s\n\n' "$id" "$U" "$id" "$id"
    for w in "$@"; do printf '%s%s %s\n' "$w" "$((id % 7))" "$w"; done; } >"$file"
}
SPAM_WORDS=(viagra cheap pills winner prize casino loan credit offer unsubscribe)
HAM_WORDS=(meeting patch review release agenda minutes build kernel thanks regards)
mkdir -p "$T/spam" "$T/ham" "$T/moved"
for i in $(seq 1 30); do
  msg "$T/spam/s$i" "$i" "${SPAM_WORDS[@]:$((i % 3)):7}"
  msg "$T/ham/h$i" "$((100 + i))" "${HAM_WORDS[@]:$((i % 3)):7}"
done
cp "$T"/spam/s{1,2,3,4,5} "$T/moved/"
msg "$T/test-spam" 900 cheap pills winner prize casino offer
msg "$T/test-ham" 901 meeting patch review agenda minutes regards
chmod -R a+rX "$T/spam" "$T/ham" "$T/moved" "$T/test-spam" "$T/test-ham"

# -- before any training: B scores with the rules alone
before=$(score B "$T/test-spam")
[ "$before" = "SCL 1 score=1.0" ] && pass "untrained: rules only ($before)" || fail "untrained score: $before"

# -- host A learns, host B sees it
out=$(learn A --spam "$T/spam")
[[ $out == *"30 new"*"($URL site1:$U:)" ]] && pass "A learns 30 spam into $URL" || fail "A learn spam: $out"
out=$(learn A --ham "$T/ham")
[[ $out == *"30 new"* ]] && pass "A learns 30 ham" || fail "A learn ham: $out"
[ "$(stats B)" = "spam 30 ham 30" ] && pass "B's learn --stats: spam 30 ham 30" || fail "B stats: $(stats B)"
s=$(score B "$T/test-spam")
h=$(score B "$T/test-ham")
[[ $s =~ ^SCL\ ([5-9]) ]] && pass "B scores A's spam words as spam: $s" || fail "B spam score: $s"
[[ $h =~ ^SCL\ ([0-4])\  ]] && pass "B scores A's ham words as ham: $h" || fail "B ham score: $h"
[ "$(stats C)" = "spam 0 ham 0" ] && [ "$(score C "$T/test-spam")" = "SCL 1 score=1.0" ] &&
  pass "another site's prefix (site2:%u:) sees none of it" || fail "site2: $(stats C) $(score C "$T/test-spam")"

# -- host B relearns five of A's spam as ham: moved, not counted twice; A sees it
out=$(learn B --ham "$T/moved")
[[ $out == *"0 new, 5 moved from spam, 0 already known"* ]] && pass "B moves 5 spam to ham" || fail "B move: $out"
out=$(learn B --ham "$T/moved")
[[ $out == *"0 new, 0 moved from spam, 5 already known"* ]] && pass "B relearning them counts nothing" ||
  fail "B relearn: $out"
[ "$(stats A)" = "spam 25 ham 35" ] && pass "A's learn --stats: spam 25 ham 35" || fail "A stats: $(stats A)"
s2=$(score A "$T/test-spam")
if less "$(score_of "$s2")" "$(score_of "$s")"; then
  pass "A's score of the spam words went down after B's training: $s -> $s2"
else
  fail "A's score after B's training: $s -> $s2"
fi
out=$(learn A --spam "$T/moved")
[[ $out == *"0 new, 5 moved from ham"* ]] && [ "$(stats B)" = "spam 30 ham 30" ] &&
  pass "A moves them back; B counts spam 30 ham 30" || fail "A move back: $out; B: $(stats B)"

# -- deliver on host B through the shared store
RCPT="$U@example.net"
deliver() { # deliver CONF NAME: the message $MSG; STORED, $T/err
  "$MAILROOM" deliver -c "$G/$1.toml" -d "$U" -f ann@example.com -r "$RCPT" <"$MSG" >"$T/out" 2>"$T/err"
  local rc=$?
  [ "$rc" -eq 0 ] || { fail "$2: deliver exit $rc: $(head -c 400 "$T/err")"; return 1; }
  STORED=$(grep -rlsF "Message-ID: <$3@" "$HOME_U/MaildirB" | head -1)
}
cp "$T/test-spam" "$T/d1" && MSG="$T/d1"
if deliver B "trained" 900; then
  grep -qE 'spam="SCL [5-9] score=[0-9.]+ tests=.*BAYES_' "$T/err" && [ -n "$STORED" ] &&
    grep -q '^X-Spam-Flag: YES' "$STORED" && pass "B's deliver scores with A's training (SCL >= 5)" ||
    fail "B's deliver: $(cat "$T/err")"
fi

# -- host A's IMAP server: a message moved into Junk is learnt into the
#    shared store (serve.imap_learn_junk), host B counts it
printf 'From: Ann <ann@example.com>\nTo: %s\nSubject: imap\nMessage-ID: <imap1@example.com>\nX-Test-Id: imap1\n\nwinner casino prize imap1\n' \
  "$RCPT" >"$T/imap1.eml"
"$MAILROOM" deliver -c "$G/A.toml" -d "$U" -f ann@example.com -r "$RCPT" <"$T/imap1.eml" 2>"$T/err" ||
  fail "deliver imap1: $(cat "$T/err")"
openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=localhost" -days 2 \
  -keyout "$T/tls.key" -out "$T/tls.crt" 2>/dev/null || die "openssl req"
echo "$U:{PLAIN}pw-of-u:$(id -u "$U"):$(id -g "$U")::$HOME_U::" >"$T/users"
chmod 0600 "$T/users"
IMAP=$(free_port)
"$MAILROOM" serve -c "$G/A.toml" -o "serve.tls_cert=$T/tls.crt" -o "serve.tls_key=$T/tls.key" \
  -o "serve.passdb=$T/users" -o "serve.listeners=imap://127.0.0.1:$IMAP" 2>"$T/serve.log" &
cleanup_add "kill -KILL $!"
port_open() { /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1).close()" 2>/dev/null; }
wait_for 10 port_open "$IMAP" || die "serve did not listen: $(cat "$T/serve.log")"
/usr/bin/python3 - "$IMAP" "$U" >"$T/imap.out" 2>&1 <<'EOF_PY'
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login(sys.argv[2], "pw-of-u")
m.create("Junk")
m.select("INBOX")
typ, data = m.uid("SEARCH", "HEADER", "X-Test-Id", "imap1")
typ, data = m.uid("MOVE", data[0].split()[0], "Junk")
print(typ, data)
m.logout()
EOF_PY
[ "$(stats B)" = "spam 31 ham 30" ] && pass "IMAP MOVE into Junk on host A: host B counts spam 31 ham 30" ||
  fail "IMAP training: B has $(stats B); $(cat "$T/imap.out"); $(grep -i 'imap: ' "$T/serve.log" | tail -3)"

# -- a server that accepts and never answers: the timeout, then rules only
SILENT=$(free_port)
/usr/bin/python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); time.sleep(60)' "$SILENT" &
SILENT_PID=$!
cleanup_add "kill $SILENT_PID"
sed "s|^store = .*|store = \"redis://127.0.0.1:$SILENT\"|" "$G/B.toml" >"$G/S.toml"
retry 20 /usr/bin/python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])))' "$SILENT"
MSG="$T/test-ham"
started=$(date +%s%N)
if deliver S "silent server" 901; then
  took=$((($(date +%s%N) - started) / 1000000))
  grep -qF "rules only: token store not read: spam store: redis 127.0.0.1:$SILENT: no reply within 200 ms" "$T/err" &&
    [ -n "$STORED" ] && pass "silent server: delivered in $took ms, rules only after 200 ms" ||
    fail "silent server: $(cat "$T/err")"
fi

# -- the server gone: deliver still delivers, learn fails clearly
kill "$REDIS_PID" && wait "$REDIS_PID" 2>/dev/null
msg "$T/d2" 902 cheap pills winner prize casino offer
MSG="$T/d2"
if deliver B "redis down" 902; then
  grep -qF "(rules only: spam store: redis 127.0.0.1:$PORT: connect: Connection refused)" "$T/err" &&
    [ -n "$STORED" ] && pass "redis down: delivered (exit 0), the log says rules only" ||
    fail "redis down: $(cat "$T/err")"
fi
out=$(learn A --spam "$T/d2")
rc=$?
[ "$rc" -eq 75 ] && [[ $out == *"mailroom learn: spam store: redis 127.0.0.1:$PORT: connect: Connection refused"* ]] &&
  pass "learn against a stopped redis: exit 75, $out" || fail "learn with redis down: rc $rc: $out"
finish
