#!/usr/bin/env bash
# SPF over LMTP runs on the client address Postfix forwards (issue 16,
# XFORWARD_README): a private Knot serves example.com's SPF record
# (v=spf1 ip4:192.0.2.25 -all); a private Postfix with
# lmtp_send_xforward_command = yes delivers through `mailroom lmtp` with
# authentication on. The SMTP client tells Postfix's smtpd its "real"
# address with XFORWARD (smtpd_authorized_xforward_hosts = 127.0.0.0/8),
# so the address Postfix forwards over LMTP is one the test chooses:
# 192.0.2.25 must give spf=pass, 203.0.113.9 spf=fail, although both
# messages come from the same sender over the same loopback connection.
# Then the same two checks speaking LMTP directly (XFORWARD ADDR=...), and
# one without XFORWARD: no client address and no trusted Received: field,
# so SPF is not "pass" (RFC 7208 §2.4 needs the client's IP). The
# authentication stage's latency counter counts the five deliveries.
TEST_NAME=lmtp_spf_xforward
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/mta.sh
. "$here/lib/mta.sh"
# shellcheck source=lib/postfix.sh
. "$here/lib/postfix.sh"
# shellcheck source=lib/knot.sh
. "$here/lib/knot.sh"

PY=/usr/bin/python3
AUTHSERV=mx.example.net
require_root
require_cmd postfix postconf knotd kdig "$PY"
find_mailroom
make_scratch
install_mailroom
make_user U mrsx

Z="$T/knot"
mkdir -p "$Z"
{
  # shellcheck disable=SC2016 # zone-file directives, not shell
  printf '$ORIGIN example.com.\n$TTL 300\n'
  printf '@ SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 300\n'
  printf '@ NS ns.example.net.\n'
  printf '@ TXT "v=spf1 ip4:192.0.2.25 -all"\n'
} >"$Z/example.com.zone"
start_knot "$Z" example.com
kdig +short @127.0.0.1 -p "$KNOT_PORT" TXT example.com | grep -q 'ip4:192.0.2.25' ||
  die "knotd does not serve the SPF record"

SOCK="$T/lmtp.sock"
SP=$(free_tcp_port)
"$MAILROOM" lmtp -c /dev/null -o log.target=stderr -o auth.enabled=true \
  -o auth.authserv_id="$AUTHSERV" -o auth.dns_server="127.0.0.1:$KNOT_PORT" \
  -o "lmtp.listeners=unix:$SOCK" -o lmtp.socket_group=postfix \
  -o lmtp.stats_listener="127.0.0.1:$SP" 2>>"$T/lmtp.log" &
LMTP_PID=$!
cleanup_add "kill -KILL $LMTP_PID"
wait_for 10 test -S "$SOCK" || die "lmtp did not listen: $(cat "$T/lmtp.log")"

E="$T/etc"
PORT=$(free_tcp_port)
postfix_configure "$E"
sed -e "s|/run/mailroom/lmtp|$SOCK|" "$repo/contrib/postfix/lmtp-main.cf" >>"$E/main.cf"
cat >>"$E/main.cf" <<EOF
smtpd_reject_unlisted_recipient = no
smtpd_authorized_xforward_hosts = 127.0.0.0/8
EOF
grep -qx 'lmtp_send_xforward_command = yes' "$E/main.cf" ||
  die "contrib/postfix/lmtp-main.cf no longer sends XFORWARD"
postfix_run "$E" "$PORT"

MD="$T/home/$U/Maildir"
# send_via_postfix ADDR TOKEN -> QID: SMTP to Postfix, announcing ADDR as
# the client with XFORWARD.
send_via_postfix() {
  "$PY" - "$PORT" "$U@example.org" "$1" "$2" <<'PY'
import re, smtplib, sys
port, rcpt, addr, token = sys.argv[1:]
msg = (f"From: <sender@example.com>\r\nTo: <{rcpt}>\r\nSubject: spf {token}\r\n"
       f"Message-ID: <{token}@example.com>\r\n\r\ntoken {token}\r\n")
with smtplib.SMTP("127.0.0.1", int(port), timeout=20) as s:
    s.ehlo("client.example.com")
    code, text = s.docmd("XFORWARD", f"ADDR={addr} NAME=[UNAVAILABLE] HELO=mail.example.com")
    if code != 250:
        sys.exit(f"XFORWARD: {code} {text!r}")
    s.mail("sender@example.com")
    s.rcpt(rcpt)
    code, text = s.data(msg.encode())
    found = re.search(rb"queued as ([0-9A-Za-z]+)", text)
    if code != 250 or not found:
        sys.exit(f"DATA: {code} {text!r}")
    print(found.group(1).decode())
PY
}
# our_ar TOKEN: our Authentication-Results field of the copy carrying TOKEN.
our_ar() {
  local f
  f=$(grep -rlF "token $1" "$MD/new" 2>/dev/null | head -1)
  [ -n "$f" ] || return 1
  sed '/^$/q' "$f" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g' |
    grep -i "^Authentication-Results: *$AUTHSERV" | head -1
}
expect_ar() { # TOKEN REGEX WHAT
  local ar
  ar=$(our_ar "$1") || {
    fail "$3: no copy with token $1"
    return
  }
  if grep -qE -- "$2" <<<"$ar"; then pass "$3: $ar"; else fail "$3: /$2/ not in '$ar'"; fi
}

qid=$(send_via_postfix 192.0.2.25 pfx-pass) || die "Postfix refused pfx-pass"
postfix_wait "$qid" "$U@example.org" sent
expect_ar pfx-pass 'spf=pass[^;]*smtp.mailfrom=(sender@)?example.com' \
  "Postfix XFORWARD ADDR=192.0.2.25 (in example.com's SPF): spf=pass"
grep -q 'xforward=192.0.2.25' "$T/lmtp.log" && pass "the LMTP server got ADDR=192.0.2.25" ||
  fail "no xforward=192.0.2.25 in the LMTP log: $(tail -3 "$T/lmtp.log")"

qid=$(send_via_postfix 203.0.113.9 pfx-fail) || die "Postfix refused pfx-fail"
postfix_wait "$qid" "$U@example.org" sent
expect_ar pfx-fail 'spf=fail' "Postfix XFORWARD ADDR=203.0.113.9 (outside the SPF record): spf=fail"

# Directly over LMTP, as any MTA that sends XFORWARD would.
lmtp_direct() { # TOKEN [XFORWARD-ARGS]
  {
    printf 'LHLO client.example\r\n'
    [ -n "${2:-}" ] && printf 'XFORWARD %s\r\n' "$2"
    printf 'MAIL FROM:<sender@example.com>\r\nRCPT TO:<%s@example.org>\r\nDATA\r\n' "$U"
    printf 'From: <sender@example.com>\r\nSubject: spf %s\r\n\r\ntoken %s\r\n.\r\nQUIT\r\n' "$1" "$1"
  } >"$T/$1.lmtp"
  "$PY" "$here/lib/lmtp_client.py" raw "$SOCK" "$T/$1.lmtp" | grep -q '^250 2.0.0 delivered$' ||
    fail "$1: not delivered over LMTP"
}
lmtp_direct lmtp-pass 'ADDR=192.0.2.25 HELO=mail.example.com'
expect_ar lmtp-pass 'spf=pass' "LMTP XFORWARD ADDR=192.0.2.25: spf=pass"
lmtp_direct lmtp-fail 'ADDR=203.0.113.9 HELO=mail.example.com'
expect_ar lmtp-fail 'spf=fail' "LMTP XFORWARD ADDR=203.0.113.9: spf=fail"
lmtp_direct lmtp-none
ar=$(our_ar lmtp-none) || fail "lmtp-none not delivered"
grep -q 'spf=pass' <<<"$ar" && fail "no client address, yet spf=pass: $ar" ||
  pass "without XFORWARD or a trusted Received: no spf=pass: $ar"
# The authentication stage was timed once per delivery (five).
stats=$("$MAILROOM" lmtp --stats -c /dev/null -o lmtp.stats_listener="127.0.0.1:$SP" 2>&1)
grep -qxF 'mailroom_lmtp_stage_seconds_count{stage="authentication"} 5' <<<"$stats" &&
  pass "--stats: five authentication stages timed" ||
  fail "--stats: $(grep 'stage_seconds_count' <<<"$stats")"
grep -qE 'AddressSanitizer|runtime error' "$T/lmtp.log" && fail "sanitizer output in the LMTP log"
finish
