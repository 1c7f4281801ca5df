#!/usr/bin/env bash
# Exim end to end (issue 11): Debian 12's Exim 4.96 delivers through
# contrib/exim as shipped (conf.d/router/890_mailroom and
# conf.d/transport/30_mailroom, included into a private configuration; only
# the path of mailroom and its -c are replaced).
#
# A private instance: its own configuration (-C), spool and log under the
# scratch dir, a daemon on 127.0.0.1:<free port>, stopped by its pid. Exim
# keeps root only for a -C file listed in /etc/exim4/trusted_configs, so
# this one's daemon queues (queue_only) and root runs the deliveries
# (exim -M, exim -qff), as the system daemon's queue runner would. The
# Exim binary is Debian's exim4-daemon-light, unpacked by `scripts/setup
# test` into /opt/mailroom-test (it conflicts with postfix as a package) or
# installed; no system Exim is started or left running.
# Proves: SMTP in, one copy in ~/Maildir, no "Tainted arg" bounce; an
# unwritable Maildir gives exit 75 -> deferred, kept, and after `exim -M` it
# is delivered exactly once; user+lists@ reaches mailroom as
# LOCAL_PART_SUFFIX and the recipient's detail (detail=lists in its log).
# SPF without a client from the MTA (Exim's pipe transport passes none):
# Exim runs as this host (primary_hostname = hostname), so mailroom takes
# the client from the topmost Received: field; Knot serves example.com
# "v=spf1 ip4:127.0.0.2 -all": from 127.0.0.2 spf=pass, from 127.0.0.1 fail.
TEST_NAME=exim_e2e
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/knot.sh
. "$here/lib/knot.sh"
# shellcheck source=lib/mta.sh
. "$here/lib/mta.sh"
# shellcheck source=lib/exim.sh
. "$here/lib/exim.sh"

require_root
require_cmd knotd kdig
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
exim_find
find_mailroom
make_scratch
install_mailroom

make_user LU mrex
LMD="$T/home/$LU/Maildir"
mkdir -p "$T/dns"
{
  printf '$ORIGIN example.com.\n$TTL 300\n@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n'
  printf '@ NS ns.example.com.\nns A 127.0.0.1\n@ TXT "v=spf1 ip4:127.0.0.2 -all"\n'
} >"$T/dns/example.com.zone"
start_knot "$T/dns" example.com
# Exim logs the command's output (log_output): the delivery line lands in
# its mainlog.
printf '[log]\ntarget = "stderr"\n\n[auth]\ndns_server = "127.0.0.1:%s"\n' "$KNOT_PORT" >"$T/mailroom.toml"
chmod 0644 "$T/mailroom.toml"

# --- the Exim instance ---------------------------------------------------------
PORT=$(free_tcp_port)
E="$T/exim"
mkdir -p "$E"
for f in router/890_mailroom transport/30_mailroom; do
  sed -e "s|/usr/local/bin/mailroom deliver|$MAILROOM deliver -c $T/mailroom.toml|" \
    "$repo/contrib/exim/conf.d/$f" >"$E/$(basename "$f")"
done
exim_configure "$E" "$PORT" "$E/890_mailroom" "$E/30_mailroom"
"$EXIM" -C "$E/exim.conf" -bt "$LU+lists@example.net" >"$T/bt.out" 2>&1 ||
  die "exim -bt: $(cat "$T/bt.out")"
grep -q "transport = mailroom_delivery" "$T/bt.out" || fail "exim -bt does not route to mailroom: $(cat "$T/bt.out")"

exim_start "$E" "$PORT"

# --- helpers -------------------------------------------------------------------
n=0
# send TO [CLIENT_IP]: SMTP from CLIENT_IP (default 127.0.0.2), then root
# delivers it; sets TOKEN and QID.
send() {
  local to=$1 source=${2:-127.0.0.2}
  n=$((n + 1))
  TOKEN="tok$$x$n"
  write_message "$T/msg$n.eml" "$to" "$TOKEN"
  QID=$(/usr/bin/python3 "$here/lib/smtp_send.py" --source "$source" "$PORT" sender@example.com "$to" "$T/msg$n.eml") ||
    die "SMTP refused message $n to $to"
  wait_for 10 logged "$QID" "<= sender@example.com" || fail "$QID not received"
  "$EXIM" -C "$E/exim.conf" -M "$QID" >"$T/M$n.out" 2>&1
}
mainlog() { cat "$T/log/mainlog" 2>/dev/null; }
# logged QID REGEX: the mainlog has a line of QID matching REGEX.
logged() { mainlog | grep -F "$1" | grep -qE "$2"; }
wait_logged() {
  wait_for 20 logged "$1" "$2" && return 0
  fail "no '$2' for $1 in the mainlog; last lines:"
  mainlog | tail -5 >&2
  return 1
}

# --- delivery --------------------------------------------------------------------
for _ in 1 2; do
  send "$LU@example.net"
  wait_logged "$QID" "=> $LU <$LU@example.net> R=mailroom_local T=mailroom_delivery" &&
    wait_logged "$QID" "Completed" && check_delivery "$LMD" "$TOKEN" "$LU"
done
if mainlog | grep -q "Tainted"; then fail "Exim refused the command: $(mainlog | grep Tainted | head -1)"; fi
logged "$QID" "delivered: .*to=<$LU@example.net>" ||
  fail "mailroom's log line is not in Exim's log (log_output)"

# --- SPF: the client from the topmost Received: field ------------------------------
for ip in 127.0.0.2 127.0.0.1; do
  want=pass
  [ "$ip" = 127.0.0.1 ] && want=fail
  send "$LU@example.net" "$ip"
  wait_logged "$QID" "Completed" || continue
  if logged "$QID" "delivered: .* auth=\"spf=$want "; then
    pass "client $ip (from Received:) -> spf=$want"
  else
    fail "client $ip: want spf=$want: $(mainlog | grep -F "$QID" | grep -o 'auth="[^"]*"')"
  fi
done

# --- user+lists@: the suffix reaches mailroom -------------------------------------
send "$LU+lists@example.net"
if wait_logged "$QID" "Completed"; then
  check_delivery "$LMD" "$TOKEN" "$LU"
  if logged "$QID" "delivered: .* detail=lists "; then
    pass "$LU+lists@: LOCAL_PART_SUFFIX reached mailroom (detail=lists)"
  else
    fail "no detail=lists in the delivery line: $(mainlog | grep -F "$QID")"
  fi
  f=$(grep -rlF "$TOKEN" "$LMD/new")
  grep -q "^Delivered-To: $LU+lists@example.net" "$f" ||
    fail "Delivered-To of the +lists copy: $(grep ^Delivered-To: "$f")"
fi

# --- exit 75: deferred, kept, retried once --------------------------------------
chmod 0500 "$LMD" "$LMD/tmp" "$LMD/new" "$LMD/cur"
send "$LU@example.net"
qid=$QID
if wait_logged "$qid" "== $LU@example.net R=mailroom_local T=mailroom_delivery defer"; then
  if logged "$qid" "returned 75"; then pass "unwritable Maildir -> exit 75 -> deferred"; else
    fail "deferred, but not by exit 75: $(mainlog | grep -F "$qid" | grep defer)"
  fi
fi
[ "$(copies "$LMD" "$TOKEN")" -eq 0 ] || fail "$TOKEN delivered although the Maildir is unwritable"
"$EXIM" -C "$E/exim.conf" -bp 2>&1 | grep -qF "$qid" || fail "deferred $qid is not in the queue"
chmod 0700 "$LMD" "$LMD/tmp" "$LMD/new" "$LMD/cur"
"$EXIM" -C "$E/exim.conf" -qff >"$T/qff.out" 2>&1 || fail "exim -qff: $(cat "$T/qff.out")"
wait_logged "$qid" "Completed" && check_delivery "$LMD" "$TOKEN" "$LU"
[ "$(mainlog | grep -F "$qid" | grep -c "=> $LU")" -eq 1 ] || fail "$qid delivered more than once"

/usr/bin/python3 "$here/lib/maildir_check.py" "$LMD" --expect 6 --tmp-empty >&2 || fail "Maildir layout of $LMD"
q=$("$EXIM" -C "$E/exim.conf" -bpc 2>&1)
[ "$q" = 0 ] || fail "queue not empty at the end: $("$EXIM" -C "$E/exim.conf" -bp 2>&1)"
finish
