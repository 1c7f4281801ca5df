#!/usr/bin/env bash
# mutt against `mailroom serve` over IMAPS, as a person uses it (issue 15:
# "mutt (Debian) driven in tmux opening INBOX and Junk over IMAPS, the screen
# captured and checked"). The test makes a self-signed certificate, which
# mutt trusts through certificate_file (no prompt, host name checked); mutt
# runs in a private tmux server with a muttrc in the scratch dir, opens INBOX,
# changes to Junk with `c`, and quits with `q`. Each screen (tmux
# capture-pane -p) must show the subjects delivered to that folder, none of
# the other folder's, and no error line. Every process is killed by pid.
TEST_NAME=serve_mutt
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd mutt tmux openssl /usr/bin/python3
find_mailroom
make_scratch
install_mailroom
make_user A mrmutt
PY=/usr/bin/python3

deliver() { # SUBJECT [FOLDER]
  printf 'From: Sender <s@example.com>\nTo: %s@example.net\nDate: Sat, 05 Dec 2026 10:00:00 +0000\nSubject: %s\n\nbody\n' \
    "$A" "$1" | "$MAILROOM" deliver "${HERMETIC[@]}" -c /dev/null -d "$A" ${2:+-m "$2"} || die "deliver $1"
}
deliver "inbox greeting one"
deliver "inbox greeting two"
deliver "junk offer three" Junk

openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -days 2 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$T/tls.key" -out "$T/tls.crt" 2>/dev/null || die "openssl req"
echo "$A:{PLAIN}pw-mutt:$(id -u "$A"):$(id -g "$A")::$T/home/$A::" >"$T/users"
chmod 0600 "$T/users"
PS=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
port_open() { $PY -c "import socket; socket.create_connection(('127.0.0.1',$1),1).close()" 2>/dev/null; }
"$MAILROOM" serve -c /dev/null -o log.target=stderr -o log.level=debug \
  -o "serve.tls_cert=$T/tls.crt" -o "serve.tls_key=$T/tls.key" -o "serve.passdb=$T/users" \
  -o "serve.listeners=imaps://127.0.0.1:$PS" 2>"$T/serve.log" &
SERVE_PID=$!
cleanup_add "kill -KILL $SERVE_PID"
wait_for 10 port_open "$PS" || die "serve did not listen: $(cat "$T/serve.log")"

mkdir -p "$T/mutt/tmp"
cat >"$T/mutt/muttrc" <<EOF2
set folder="imaps://$A@127.0.0.1:$PS/"
set spoolfile="+INBOX"
set imap_user="$A"
set imap_pass="pw-mutt"
set certificate_file="$T/tls.crt"
set ssl_verify_host=yes
set ssl_force_tls=yes
set header_cache=""
set message_cachedir=""
set tmpdir="$T/mutt/tmp"
set record=""
set postpone=no
set move=no
set quit=yes
set imap_passive=yes
set sort=date
EOF2

S="$T/tmux.sock"
tmux -S "$S" -f /dev/null new-session -d -s mutt -x 160 -y 40 \
  "HOME='$T/mutt' TERM=screen mutt -n -F '$T/mutt/muttrc'; echo \$? >'$T/mutt/exit'" ||
  die "tmux new-session"
TMUX_PID=$(tmux -S "$S" display-message -p '#{pid}')
cleanup_add "kill -KILL $TMUX_PID"
screen() { tmux -S "$S" capture-pane -p -t mutt 2>/dev/null; }
shows() { screen | grep -q "$1"; }
errors() { grep -iE 'error|failed|could not|certificate|\(r\)eject' <<<"$1"; }

# -- INBOX: both subjects, not Junk's, no error
wait_for 15 shows "inbox greeting two" || true
inbox=$(screen)
printf 'INBOX screen:\n%s\n' "$inbox" | sed 's/^/  /' >&2
grep -q "inbox greeting one" <<<"$inbox" && grep -q "inbox greeting two" <<<"$inbox" &&
  ! grep -q "junk offer three" <<<"$inbox" && pass "mutt over IMAPS shows INBOX's two subjects" ||
  fail "INBOX screen lacks the subjects"
grep -q "Mutt: =INBOX \[Msgs:2 " <<<"$inbox" && pass "status line: =INBOX, 2 messages" || fail "no INBOX in the status line"
bad=$(errors "$inbox") && fail "INBOX screen has an error line: $bad" || pass "INBOX screen: no error line"

# -- `c` =Junk: change folder
tmux -S "$S" send-keys -t mutt c
sleep 0.5
tmux -S "$S" send-keys -t mutt C-u "=Junk" Enter
wait_for 15 shows "junk offer three" || true
junk=$(screen)
printf 'Junk screen:\n%s\n' "$junk" | sed 's/^/  /' >&2
grep -q "junk offer three" <<<"$junk" && ! grep -q "inbox greeting" <<<"$junk" &&
  pass "c =Junk: mutt shows Junk's subject, not INBOX's" || fail "Junk screen lacks its subject"
grep -q "Mutt: =Junk \[Msgs:1 " <<<"$junk" && pass "status line: =Junk, 1 message" || fail "no Junk on the screen"
bad=$(errors "$junk") && fail "Junk screen has an error line: $bad" || pass "Junk screen: no error line"

# -- q: mutt quits, exit 0
tmux -S "$S" send-keys -t mutt q
wait_for 10 test -s "$T/mutt/exit" && [ "$(cat "$T/mutt/exit")" = 0 ] && pass "q: mutt quit with exit 0" ||
  fail "mutt did not quit cleanly: $(cat "$T/mutt/exit" 2>/dev/null) $(screen)"
kill -KILL "$TMUX_PID" 2>/dev/null

kill -TERM "$SERVE_PID"
wait "$SERVE_PID"; rc=$?
[ $rc -eq 0 ] && pass "mailroom serve: SIGTERM, exit 0" || fail "mailroom serve exit $rc"
if grep -iE 'error|warn|AddressSanitizer|runtime error' "$T/serve.log" >"$T/serve.errors"; then
  fail "mailroom serve logged: $(cat "$T/serve.errors")"
else
  pass "mailroom serve's log has no error or warning"
fi
finish
