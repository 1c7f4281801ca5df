#!/usr/bin/env bash
# A FIFO or a symbolic link planted by the user in each place mailroom opens
# a file in their Maildir (issue 12 items 6 and 15): maildirsize and its
# maildirsize.default, subscriptions and its lock, courierimapsubscribed, a
# folder's maildirfolder, the delivery record and its key, the tmp/ clean-up
# stamp, and tmp/ itself. Each delivery ends within seconds with a defined
# exit code and exactly one copy (or none with 75), and no link is followed.
# Last, maildirsize swapped for a FIFO while the delivery waits for DNS, i.e.
# opened after the link: that blocked forever before (the watchdog is off
# after the link), so the MTA's retry duplicated the message.
TEST_NAME=maildir_fifos
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd timeout mkfifo
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
find_mailroom
make_scratch
install_mailroom
make_user U mrff
MD="$T/home/$U/Maildir"
printf 'victim\n' >"$T/victim"
chmod 0666 "$T/victim"
printf 'Received: by mx.example.net id 1\nFrom: a@example.com\nSubject: fifo\n\nbody\n' >"$T/msg"

# fresh: an empty Maildir of the user's, made by one plain delivery, then emptied.
fresh() {
  rm -rf "$MD"
  "$MAILROOM" deliver -d "$U" -f a@example.com "${HERMETIC[@]}" <"$T/msg" >/dev/null 2>&1 ||
    die "the plain delivery failed"
  rm -f "$MD"/new/*
}

# plant KIND PATH: a FIFO (writable by the user) or a link to $T/victim.
plant() {
  rm -rf "$2"
  if [ "$1" = fifo ]; then
    mkfifo -m 0666 "$2"
  else
    ln -s "$T/victim" "$2"
  fi
  chown -h "$U:$U" "$2"
}

# check NAME WANT_RC MAX_MS DIR ARGS...: delivers once; checks the exit code,
# the time, one file in DIR/new (none if 75) and the untouched victim.
check() {
  local name=$1 want=$2 max_ms=$3 dir=$4 start ms n
  shift 4
  start=$(date +%s%N)
  timeout -s KILL 30 "$MAILROOM" deliver -d "$U" -f a@example.com "${HERMETIC[@]}" "$@" \
    <"$T/msg" >/dev/null 2>"$T/err"
  RC=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  n=$(count_files "$dir/new")
  local expect_n=1
  [ "$want" -eq 75 ] && expect_n=0
  if [ "$RC" -eq "$want" ] && [ "$ms" -le "$max_ms" ] && [ "$n" -eq "$expect_n" ] &&
    [ "$(cat "$T/victim")" = victim ]; then
    pass "$name: exit $RC in $ms ms, $n file(s)$(grep -m1 -o 'is a [a-zA-Z ]*\(to [^,]*\)\?' "$T/err" | sed 's/^/; "/;s/$/"/')"
  else
    fail "$name: exit $RC (want $want) after $ms ms (max $max_ms), $n file(s) in $dir/new (want $expect_n), victim: $(cat "$T/victim")"
    sed 's/^/    /' "$T/err" >&2
  fi
}

for kind in fifo symlink; do
  fresh
  plant $kind "$MD/maildirsize"
  check "$kind maildirsize" 75 3000 "$MD" -o maildir.default_quota=1000000S
  grep -q "maildirsize is a" "$T/err" || fail "$kind maildirsize: the message does not say what it is"

  fresh
  printf '100000S\n0 0\n' >"$MD/maildirsize"
  chown "$U:$U" "$MD/maildirsize"
  plant $kind "$MD/maildirsize.default"
  check "$kind maildirsize.default" 0 3000 "$MD" -o maildir.default_quota=1000000S

  for file in subscriptions courierimapsubscribed; do
    fresh
    plant $kind "$MD/$file"
    check "$kind $file" 0 3000 "$MD/.New" -m New
  done

  # A lock nobody will release: the wait is bounded (maildir lock timeout 5 s).
  fresh
  plant $kind "$MD/subscriptions.lock"
  check "$kind subscriptions.lock" 0 9000 "$MD/.New" -m New

  fresh
  mkdir -p "$MD/.Junk/tmp" "$MD/.Junk/new" "$MD/.Junk/cur"
  chown -R "$U:$U" "$MD/.Junk"
  plant $kind "$MD/.Junk/maildirfolder"
  check "$kind maildirfolder" 0 3000 "$MD/.Junk" -m Junk

  fresh
  plant $kind "$MD/mailroom-deliveries"
  check "$kind mailroom-deliveries" 0 3000 "$MD"

  fresh
  plant $kind "$MD/mailroom-deliveries/.key"
  check "$kind mailroom-deliveries/.key" 0 3000 "$MD"

  fresh
  plant $kind "$MD/mailroom-tmp-cleaned"
  check "$kind tmp stamp" 0 3000 "$MD"

  # Item 15: what is in the way of tmp/ is named.
  fresh
  rm -rf "$MD/tmp"
  if [ $kind = fifo ]; then mkfifo -m 0666 "$MD/tmp"; else ln -s "$T" "$MD/tmp"; fi
  chown -h "$U:$U" "$MD/tmp"
  check "$kind tmp/" 75 3000 "$MD"
  want="it is a FIFO"
  [ $kind = symlink ] && want="it is a symbolic link to $T"
  grep -q "$want" "$T/err" || fail "$kind tmp/: the message does not say \"$want\": $(cat "$T/err")"
done

# --- maildirsize becomes a FIFO after the quota check, before the bookkeeping ----------
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 "$here/lib/fault_dns.py" drop "$PORT" "$T/dns.count" &
DNS_PID=$!
cleanup_add "kill $DNS_PID"
wait_for 5 test -s "$T/dns.count" || die "fault_dns.py did not start"
fresh
start=$(date +%s%N)
CLIENT_ADDRESS=192.0.2.10 CLIENT_HELO=mail.example.com timeout -s KILL 30 "$MAILROOM" deliver \
  -d "$U" -f a@example.com -o auth.dns_server="127.0.0.1:$PORT" -o auth.dns_timeout=1500ms \
  -o auth.dns_budget=2000ms -o maildir.default_quota=1000000S <"$T/msg" >/dev/null 2>"$T/err" &
pid=$!
# The first query arrived: the quota was checked, the link is yet to come.
queried() { [ "$(cat "$T/dns.count")" -gt 0 ]; }
wait_for 10 queried || fail "no DNS query seen"
plant fifo "$MD/maildirsize"
wait "$pid"
RC=$?
ms=$((($(date +%s%N) - start) / 1000000))
n=$(count_files "$MD/new")
if [ "$RC" -eq 0 ] && [ "$n" -eq 1 ] && [ "$ms" -le 8000 ]; then
  pass "maildirsize swapped for a FIFO during DNS: exit 0 in $ms ms, 1 file"
else
  fail "maildirsize swapped for a FIFO during DNS: exit $RC after $ms ms, $n file(s)"
  sed 's/^/    /' "$T/err" >&2
fi
finish
