#!/usr/bin/env bash
# DMARC aggregate reports sent through a real MTA (issue 17, "through real
# Postfix"): Knot serves example.com's SPF and DMARC records (rua= a local
# user of example.com); `mailroom deliver` records three deliveries; `mailroom
# dmarc send` hands the report to the sendmail(1) of a private Postfix
# instance (dmarc_report.sendmail = "/usr/sbin/sendmail -C <its config>
# ..."), and Postfix's local(8) delivers it into the user's Maildir. Checked:
# Postfix logs status=sent; the message in the Maildir has the §7.2.1.1
# Subject and one application/gzip attachment; its XML validates against
# RFC 7489 Appendix C (xmllint --schema) and counts the three deliveries.
TEST_NAME=dmarc_postfix
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/knot.sh
. "$here/lib/knot.sh"
# shellcheck source=lib/mta.sh
. "$here/lib/mta.sh"
# shellcheck source=lib/postfix.sh
. "$here/lib/postfix.sh"

PY=/usr/bin/python3
XSD="$top/tests/data/dmarc/rfc7489-appendix-c.xsd"
require_root
require_cmd postfix postconf knotd kdig xmllint
find_mailroom
make_scratch
install_mailroom
make_user U mrdmpf   # receives the mail that gets reported on
make_user R mrdmrua  # the rua= mailbox: Postfix delivers the report to it
MD="$T/home/$R/Maildir"

Z="$T/knot"
mkdir -p "$Z"
{
  # shellcheck disable=SC2016 # zone-file directives, not shell
  printf '$ORIGIN example.com.\n$TTL 300\n@ SOA ns.example.com. h.example.com. 1 3600 600 86400 300\n@ NS ns.example.com.\n'
  printf '@ TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
  printf '_dmarc TXT "v=DMARC1; p=none; rua=mailto:%s@example.com"\n' "$R"
} >"$Z/example.com.zone"
start_knot "$Z" example.com

SPOOL="$T/dmarc-spool"
mkdir -p "$SPOOL" && chmod 0700 "$SPOOL"
COMMON=(-o log.target=stderr -o "auth.dns_server=127.0.0.1:$KNOT_PORT" -o auth.authserv_id=mx.example.net
  -o "dmarc_report.spool=$SPOOL" -o dmarc_report.org_name=mx.example.net
  -o dmarc_report.email=dmarc-reports@example.net)
for n in 1 2 3; do
  printf 'From: alice@example.com\nTo: %s@example.net\nSubject: m%s\nMessage-ID: <pf%s@example.com>\n\nbody\n' \
    "$U" "$n" "$n" >"$T/m$n.eml"
  CLIENT_ADDRESS=192.0.2.10 CLIENT_HELO=mail.example.com "$MAILROOM" deliver -d "$U" \
    -f alice@example.com "${COMMON[@]}" <"$T/m$n.eml" >/dev/null 2>"$T/err" ||
    fail "delivery $n: exit $?: $(head -c 300 "$T/err")"
done
DAY=$(date -u +%F)
[ "$(wc -l <"$SPOOL/$DAY.records" 2>/dev/null || echo 0)" -eq 3 ] || fail "3 deliveries not recorded"

# Postfix: example.com is local; local(8) writes ~/Maildir/ itself.
PORT=$(free_tcp_port)
E="$T/etc"
postfix_configure "$E"
postconf -c "$E" -e 'mydestination = example.net, example.com, localhost' 'home_mailbox = Maildir/'
postfix_run "$E" "$PORT"

"$MAILROOM" dmarc send --day "$DAY" "${COMMON[@]}" \
  -o "dmarc_report.sendmail=/usr/sbin/sendmail -C $E -oi -f %f -- %a" >"$T/send" 2>&1 ||
  fail "dmarc send: exit $?: $(cat "$T/send")"
grep -q "^sent example.com $DAY to <$R@example.com>" "$T/send" &&
  pass "dmarc send handed the report to Postfix's sendmail" || fail "send: $(cat "$T/send")"
_delivered() { grep -F "to=<$R@example.com>" "$T/maillog" 2>/dev/null | grep -q "relay=local.*status=sent"; }
wait_for 20 _delivered && pass "Postfix delivered it (relay=local, status=sent)" ||
  fail "not delivered by Postfix: $(tail -5 "$T/maillog")"
wait_for 5 test "$(count_files "$MD/new")" -ge 1
[ "$(count_files "$MD/new")" -eq 1 ] || fail "$(count_files "$MD/new") messages in $MD/new, want 1"

# The delivered message, in the form lib/dmarc_reports.py reads.
mkdir -p "$T/got" "$T/xml"
for f in "$MD"/new/*; do { printf -- '--\n%s@example.com\n----\n' "$R"; cat "$f"; } >"$T/got/0"; done
grep -q "^Return-Path: <dmarc-reports@example.net>" "$T/got/0" && grep -q "^Received: .*Postfix" "$T/got/0" &&
  pass "the report came through Postfix, from dmarc_report.email" || fail "headers: $(head -12 "$T/got/0")"
"$PY" "$here/lib/dmarc_reports.py" "$T/got" "$T/xml" >"$T/reports" || fail "$(cat "$T/reports")"
grep -q "^example.com $R@example.com [0-9a-f.]* rows=192.0.2.10/none/fail/pass=3\$" "$T/reports" &&
  pass "one gzip attachment, §7.2.1.1 Subject and file name, 3 messages from 192.0.2.10" ||
  fail "report: $(cat "$T/reports")"
for xml in "$T"/xml/*.xml; do
  xmllint --noout --schema "$XSD" "$xml" 2>"$T/xmllint" &&
    pass "the XML that arrived validates against RFC 7489 Appendix C" || fail "$(head -5 "$T/xmllint")"
done
finish
