#!/usr/bin/env bash
# Dovecot and `mailroom serve` on the same user's Maildir at once (issue 15:
# "both see the same messages and flags, and neither breaks the other").
# Messages delivered with `mailroom deliver`; a throwaway Dovecot (own config
# in the scratch dir, 127.0.0.1, free port, mail_location=maildir:~/Maildir)
# and mailroom serve IMAP both read them through Python's imaplib
# (lib/imap_side_by_side.py: same folders, Message-IDs, sizes and flags;
# \Seen, \Flagged, keywords, \Deleted + EXPUNGE, APPEND and MOVE through
# each seen by the other). Afterwards Dovecot's index and uidlist files and
# mailroom-uidlist coexist, every message is on disk once, and neither log
# has an error. Both passdbs read one passwd-file (the same format).
TEST_NAME=serve_dovecot_side_by_side
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd dovecot doveadm openssl /usr/bin/python3
find_mailroom
make_scratch
install_mailroom
make_user A mrsbs
PY=/usr/bin/python3
M="$T/home/$A/Maildir"

deliver() { # ID [FOLDER]
  printf 'From: Sender <s@example.com>\nTo: %s@example.net\nDate: Sat, 05 Dec 2026 10:00:00 +0000\nSubject: side %s\nMessage-ID: <%s@side.test>\n\nbody of %s\n' \
    "$A" "$1" "$1" "$1" | "$MAILROOM" deliver "${HERMETIC[@]}" -c /dev/null -d "$A" ${2:+-m "$2"} ||
    die "deliver $1"
}
for id in m1 m2 m3 m4; do deliver "$id"; done
deliver j1 Junk
deliver w1 Work

uid=$(id -u "$A"); gid=$(id -g "$A")
echo "$A:{PLAIN}pw-sbs:$uid:$gid::$T/home/$A::" >"$T/users"
# Dovecot's auth process reads it as the dovecot user; mailroom as root.
chgrp dovecot "$T/users" && chmod 0640 "$T/users" || die "chgrp dovecot $T/users"
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_open() { $PY -c "import socket; socket.create_connection(('127.0.0.1',$1),1).close()" 2>/dev/null; }
DP=$(free_port); MP=$(free_port)

# -- Dovecot, private: its own base_dir, state_dir and log under $T
mkdir -p "$T/dovecot/run" "$T/dovecot/state"
cat >"$T/dovecot/dovecot.conf" <<CONF
base_dir = $T/dovecot/run
state_dir = $T/dovecot/state
log_path = $T/dovecot/dovecot.log
instance_name = mailroom-side-by-side-$$
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
first_valid_uid = $uid
last_valid_uid = $uid
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $T/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $T/users
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DP
  }
  inet_listener imaps {
    port = 0
  }
}
service imap {
  process_limit = 4
}
service anvil {
  chroot =
}
service stats {
  inet_listener http {
    port = 0
  }
}
CONF
dovecot -c "$T/dovecot/dovecot.conf" || die "dovecot did not start: $(cat "$T/dovecot/dovecot.log" 2>/dev/null)"
cleanup_add "doveadm -c '$T/dovecot/dovecot.conf' stop; wait_for 5 test ! -e '$T/dovecot/run/master.pid'"

# -- mailroom serve on the same Maildir
"$MAILROOM" serve -c /dev/null -o log.target=stderr -o log.level=debug \
  -o "serve.passdb=$T/users" -o "serve.listeners=imap://127.0.0.1:$MP" 2>"$T/serve.log" &
SERVE_PID=$!
cleanup_add "kill -KILL $SERVE_PID"
wait_for 10 port_open "$DP" || die "dovecot did not listen: $(cat "$T/dovecot/dovecot.log")"
wait_for 10 port_open "$MP" || die "serve did not listen: $(cat "$T/serve.log")"

if $PY "$here/lib/imap_side_by_side.py" "$DP" "$MP" "$A" pw-sbs >"$T/imap.out" 2>&1; then
  pass "imaplib against both: $(grep -c '^ok:' "$T/imap.out") checks"
else
  fail "imaplib against both: $(grep -v '^ok:' "$T/imap.out")"
fi
sed 's/^/  /' "$T/imap.out" >&2

# -- on disk: both servers' state side by side, each message once
missing=""
for f in dovecot-uidlist dovecot.index.log mailroom-uidlist .Junk/dovecot-uidlist .Junk/mailroom-uidlist \
  .Work/dovecot-uidlist .Work/mailroom-uidlist; do
  [ -e "$M/$f" ] || missing+=" $f"
done
[ -n "$missing" ] && fail "missing:$missing (have: $(cd "$M" && find . -name '*uidlist*' -o -name 'dovecot*' | tr '\n' ' '))" ||
  pass "dovecot-uidlist, dovecot.index* and mailroom-uidlist coexist in INBOX, Junk and Work"
ids=$(cat "$M"/cur/* "$M"/new/* "$M"/.*/cur/* "$M"/.*/new/* 2>/dev/null | grep -i '^Message-ID:' | sort | tr -d '\r' | tr '\n' ' ')
want='Message-ID: <ad@side.test> Message-ID: <am@side.test> Message-ID: <j1@side.test> Message-ID: <m1@side.test> Message-ID: <m2@side.test> Message-ID: <ndovecot@side.test> Message-ID: <nmailroom@side.test> Message-ID: <w1@side.test> '
[ "$ids" = "$want" ] && pass "on disk: every message once by Message-ID" || fail "on disk: '$ids'"
[ -z "$(find "$M" -user root)" ] && pass "no file in the Maildir owned by root" ||
  fail "owned by root: $(find "$M" -user root)"

# -- neither server complains
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"; rc=$?
[ $rc -eq 0 ] && pass "mailroom serve: SIGTERM, exit 0" || fail "mailroom serve exit $rc"
doveadm -c "$T/dovecot/dovecot.conf" stop
wait_for 5 test ! -e "$T/dovecot/run/master.pid" || fail "dovecot did not stop"
# "master: Warning: Killed with signal 15" is Dovecot's own note on doveadm stop.
if grep -E 'Error|Panic|Fatal|Warning' "$T/dovecot/dovecot.log" | grep -v 'master: Warning: Killed with signal 15' >"$T/dovecot.errors"; then
  fail "dovecot logged: $(cat "$T/dovecot.errors")"
else
  pass "dovecot's log has no Error, Panic, Fatal or Warning"
fi
if grep -iE 'error|warn|crit|AddressSanitizer|runtime error' "$T/serve.log" >"$T/serve.errors"; then
  fail "mailroom serve logged: $(cat "$T/serve.errors")"
else
  pass "mailroom serve's log has no error or warning"
fi
finish
