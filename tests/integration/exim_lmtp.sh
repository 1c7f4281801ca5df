#!/usr/bin/env bash
# Exim's lmtp transport delivers through `mailroom lmtp` (issue 16), with
# contrib/exim/conf.d/router/880_mailroom_lmtp and
# transport/30_mailroom_lmtp as shipped (only the socket path replaced), in
# a private Exim 4.96 (as tests/integration/exim_e2e.sh: its own -C, spool
# and log, queue_only, root runs the deliveries with exim -qff; lib/exim.sh).
# One message
# to two users and an unknown one goes in one LMTP transaction: the two
# copies land once each, owned by their users, and the unknown recipient
# bounces with mailroom's 550 5.1.1.
TEST_NAME=exim_lmtp
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/mta.sh
. "$here/lib/mta.sh"
# shellcheck source=lib/exim.sh
. "$here/lib/exim.sh"

require_root
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
exim_find
find_mailroom
make_scratch
install_mailroom
make_user U1 mrxa
make_user U2 mrxb

SOCK="$T/lmtp.sock"
"$MAILROOM" lmtp -c /dev/null "${HERMETIC[@]}" -o log.target=stderr -o auth.enabled=false \
  -o "lmtp.listeners=unix:$SOCK" -o lmtp.socket_group=Debian-exim 2>"$T/lmtp.log" &
LMTP_PID=$!
cleanup_add "kill -KILL $LMTP_PID"
wait_for 10 test -S "$SOCK" || die "lmtp did not listen: $(cat "$T/lmtp.log")"

PORT=$(free_tcp_port)
E="$T/exim"
mkdir -p "$E"
sed -e "s|/run/mailroom/lmtp|$SOCK|" "$repo/contrib/exim/conf.d/router/880_mailroom_lmtp" >"$E/router"
sed -e "s|/run/mailroom/lmtp|$SOCK|" "$repo/contrib/exim/conf.d/transport/30_mailroom_lmtp" >"$E/transport"
exim_configure "$E" "$PORT" "$E/router" "$E/transport"
exim_start "$E" "$PORT"
mainlog() { cat "$T/log/mainlog" 2>/dev/null; }

TOKEN="tok$$exim"
write_message "$T/msg.eml" "$U1@example.net" "$TOKEN"
/usr/bin/python3 - "$PORT" "$T/msg.eml" "$U1@example.net" "$U2@example.net" "nobody-$$@example.net" <<'PY' ||
import smtplib, sys
port, path, rcpts = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
with smtplib.SMTP("127.0.0.1", port) as s:
    s.sendmail("sender@example.com", rcpts, open(path, "rb").read())
PY
  die "Exim refused the message"
wait_for 10 bash -c "grep -q '<= sender@example.com' '$T/log/mainlog'" || die "not received"
"$EXIM" -C "$E/exim.conf" -qff >"$T/qff.out" 2>&1 || fail "exim -qff: $(cat "$T/qff.out")"
wait_for 20 bash -c "grep -q 'Completed' '$T/log/mainlog'" || fail "not completed: $(mainlog | tail -5)"
check_delivery "$T/home/$U1/Maildir" "$TOKEN" "$U1"
check_delivery "$T/home/$U2/Maildir" "$TOKEN" "$U2"
mainlog | grep -qF "=> $U1 <$U1@example.net> R=mailroom_lmtp T=mailroom_lmtp C=\"250 2.0.0" &&
  mainlog | grep -qF -- "-> $U2 <$U2@example.net> R=mailroom_lmtp T=mailroom_lmtp C=\"250 2.0.0" &&
  pass "Exim logs both deliveries of the one transaction with mailroom's 250" ||
  fail "no => / -> lines: $(mainlog | tail -5)"
mainlog | grep -qE "\*\* nobody-$$@example.net .*550 5\.1\.1" &&
  pass "unknown user bounced with mailroom's 550 5.1.1" ||
  fail "no 550 5.1.1 bounce: $(mainlog | grep nobody | head -3)"
[ "$(grep -c 'reply="250 2.0.0' "$T/lmtp.log")" = 2 ] && pass "one LMTP transaction, two 250 replies" ||
  fail "lmtp log: $(cat "$T/lmtp.log")"
finish
