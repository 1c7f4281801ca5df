#!/usr/bin/env bash
# DMARC aggregate reports we send (issue 17), end to end: Knot serves four
# domains' SPF, DKIM and DMARC records; `mailroom deliver`, as root with
# -d, records each delivery whose From domain asks for reports (rua=) in a
# root-only spool it opens before dropping privileges; `mailroom dmarc
# send` mails one report per domain through a recording sendmail. Checked:
# the day file has a line per such delivery; every report validates
# against RFC 7489 Appendix C's schema (xmllint --schema) and its counts
# match the deliveries; Subject, file name and media type as §7.2.1.1
# says; an external rua= is used only when Knot publishes the §7.1
# verification record; a !size limit leaves a destination out; a second
# run sends nothing; a run killed (kill -9) while sendmail takes a report,
# and a run whose sendmail fails, are followed by a run that sends each
# report exactly once.
TEST_NAME=dmarc_report
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/knot.sh
. "$here/lib/knot.sh"

PY=/usr/bin/python3
XSD="$top/tests/data/dmarc/rfc7489-appendix-c.xsd"
require_root
find_mailroom
require_cmd knotd kdig openssl xmllint
"$PY" -c 'import dkim' 2>/dev/null || skip "needs python3-dkim (scripts/deps/test-dkim.txt)"
make_scratch
install_mailroom
make_user U mrdmarc
MD="$T/home/$U/Maildir"

K="$T/keys"
mkdir -p "$K"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/rsa.pem" 2>/dev/null ||
  die "openssl RSA key"
RSA_P=$(openssl pkey -in "$K/rsa.pem" -pubout -outform DER 2>/dev/null | base64 -w0)

Z="$T/knot"
mkdir -p "$Z"
soa() {
  # shellcheck disable=SC2016 # zone-file directives, not shell
  printf '$ORIGIN %s.\n$TTL 300\n@ SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 300\n@ NS ns.example.net.\n' "$1"
}
{
  soa example.com
  printf '@ TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
  printf 'rsa._domainkey TXT ( "v=DKIM1; k=rsa; p=%s" "%s" )\n' "${RSA_P:0:200}" "${RSA_P:200}"
  printf '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com,mailto:tiny@example.com!100"\n'
} >"$Z/example.com.zone"
{
  soa example.org
  printf '@ TXT "v=spf1 ip4:198.51.100.0/24 ~all"\n'
  printf '_dmarc TXT "v=DMARC1; p=quarantine; rua=mailto:reports@reports.example.net"\n'
} >"$Z/example.org.zone"
{
  soa example.net
  printf '@ TXT "v=spf1 -all"\n'
  printf 'ns A 127.0.0.1\n'
  printf '_dmarc TXT "v=DMARC1; p=none; rua=mailto:agg@unverified.example"\n'
  # RFC 7489 §7.1: reports.example.net takes example.org's reports.
  printf 'example.org._report._dmarc.reports TXT "v=DMARC1"\n'
} >"$Z/example.net.zone"
{ soa unverified.example; printf 'www A 192.0.2.80\n'; } >"$Z/unverified.example.zone"
{ soa example.edu; printf '_dmarc TXT "v=DMARC1; p=none"\n'; } >"$Z/example.edu.zone"
start_knot "$Z" example.com example.org example.net unverified.example example.edu

SPOOL="$T/spool"
mkdir -p "$SPOOL" && chmod 0700 "$SPOOL"  # root's: deliver opens it before it becomes $U
COMMON=(-o log.target=stderr -o "auth.dns_server=127.0.0.1:$KNOT_PORT" -o auth.authserv_id=mx.example.net
  -o "dmarc_report.spool=$SPOOL" -o dmarc_report.org_name=mx.example.net
  -o dmarc_report.email=dmarc-reports@example.net)

n=0
# deliver_one FROM IP MAILFROM [sign]: a fresh message, signed by example.com when asked.
deliver_one() {
  n=$((n + 1))
  local msg="$T/m$n.eml"
  printf 'From: %s\nTo: %s@example.net\nSubject: test %s\nDate: Mon, 7 Dec 2026 06:00:00 +0000\nMessage-ID: <dm%s@example.com>\n\nbody %s\n' \
    "$1" "$U" "$n" "$n" "$n" >"$msg"
  if [ "${4:-}" = sign ]; then
    "$PY" "$here/lib/dkim_sign.py" "$msg" rsa example.com "$K/rsa.pem" rsa-sha256 >"$msg.s" || die "dkimpy"
    mv "$msg.s" "$msg"
  fi
  CLIENT_ADDRESS=$2 CLIENT_HELO=mail.test "$MAILROOM" deliver -d "$U" -f "$3" "${COMMON[@]}" \
    <"$msg" >"$T/out" 2>"$T/err" || fail "delivery $n: exit $?: $(head -c 300 "$T/err")"
}
DAY=$(date -u +%F)
for _ in 1 2 3; do deliver_one "Alice <alice@example.com>" 192.0.2.10 alice@example.com sign; done
for _ in 1 2; do deliver_one "Alice <alice@example.com>" 203.0.113.5 bob@example.net; done
for _ in 1 2; do deliver_one "Carol <carol@example.org>" 198.51.100.7 carol@example.org; done
deliver_one "Dave <dave@example.net>" 192.0.2.99 dave@example.net
deliver_one "Erin <erin@example.edu>" 192.0.2.98 erin@example.edu  # no rua=: not recorded
[ "$(count_files "$MD/new")" -eq 9 ] || fail "9 deliveries, $(count_files "$MD/new") in new/"
lines=$(wc -l <"$SPOOL/$DAY.records" 2>/dev/null || echo 0)
[ "$lines" -eq 8 ] && pass "8 deliveries recorded in $DAY.records (not the one without rua=)" ||
  fail "$lines records, want 8: $(cat "$SPOOL/$DAY.records" 2>&1 | head -3)"
[ "$(stat -c %U "$SPOOL/$DAY.records")" = root ] || fail "the day file is not root's"

recording_sendmail root
SEND=(-o "dmarc_report.sendmail=$T/bin/sendmail-rec -oi -f %f -- %a")
"$MAILROOM" dmarc send --day "$DAY" --dry-run "${COMMON[@]}" "${SEND[@]}" >"$T/dry" 2>&1 ||
  fail "dry run: exit $?: $(cat "$T/dry")"
[ "$(count_files "$SENT")" -eq 0 ] && grep -q "^would send example.com" "$T/dry" &&
  pass "--dry-run says what it would send and sends nothing" || fail "dry run: $(cat "$T/dry")"

"$MAILROOM" dmarc send --day "$DAY" "${COMMON[@]}" "${SEND[@]}" >"$T/send1" 2>&1 ||
  fail "dmarc send: exit $?: $(cat "$T/send1")"
mkdir -p "$T/xml"
"$PY" "$here/lib/dmarc_reports.py" "$SENT" "$T/xml" >"$T/reports" || fail "$(cat "$T/reports")"
want_com="example.com dmarc@example.com"
want_com_rows="rows=192.0.2.10/none/pass/pass=3;203.0.113.5/quarantine/fail/fail=2"
grep -q "^$want_com [0-9a-f.]* $want_com_rows\$" "$T/reports" &&
  pass "example.com: one report to dmarc@example.com, counts match (3 pass, 2 fail)" ||
  fail "example.com report: $(cat "$T/reports")"
grep -q "^example.org reports@reports.example.net [0-9a-f.]* rows=198.51.100.7/none/fail/pass=2\$" "$T/reports" &&
  pass "example.org: the verified external destination gets it (RFC 7489 §7.1)" ||
  fail "example.org report: $(cat "$T/reports")"
grep -q "^example.net" "$T/reports" && fail "example.net's unverified rua got a report"
grep -q "unverified.example does not accept reports for example.net" "$T/send1" &&
  pass "example.net: unverified external rua left out, in words" || fail "no note: $(cat "$T/send1")"
grep -q "tiny@example.com> left out: the report is [0-9]* bytes, over its limit of 100" "$T/send1" &&
  pass "a !100 size limit leaves that destination out" || fail "size limit: $(cat "$T/send1")"
[ "$(count_files "$SENT")" -eq 2 ] || fail "$(count_files "$SENT") messages sent, want 2"
for xml in "$T"/xml/*.xml; do
  if xmllint --noout --schema "$XSD" "$xml" 2>"$T/xmllint"; then
    pass "$(basename "$xml") validates against RFC 7489 Appendix C"
  else
    fail "$(basename "$xml"): $(head -5 "$T/xmllint")"
  fi
done
sed -n '/^----$/,$p' "$SENT/0" | grep -q '^Content-Type: application/gzip; name="mx.example.net!example.com!' ||
  fail "no application/gzip attachment named receiver!domain!..."

"$MAILROOM" dmarc send --day "$DAY" "${COMMON[@]}" "${SEND[@]}" >"$T/send2" 2>&1 ||
  fail "second run: exit $?"
[ "$(count_files "$SENT")" -eq 2 ] && pass "a second run sends nothing again" ||
  fail "a second run sent $(($(count_files "$SENT") - 2)) more: $(cat "$T/send2")"

# fresh_spool NAME: a spool holding only today's records, nothing marked.
fresh_spool() {
  S2="$T/$1"
  rm -rf "$S2" && mkdir -p "$S2" && cp "$SPOOL/$DAY.records" "$S2/"
  rm -rf "$SENT" && mkdir -p "$SENT"
}
# kill -9 of `dmarc send` while its sendmail holds the first report: the
# sendmail finishes, the report is marked, the next run sends only the rest.
fresh_spool crash
cat >"$T/bin/sendmail-kill" <<WRAP
#!/bin/sh
"$T/bin/sendmail-rec" "\$@" || exit 1
kill -9 "\$(cat "$T/send.pid")"
sleep 0.3
exit 0
WRAP
chmod 0755 "$T/bin/sendmail-kill"
(
  echo "$BASHPID" >"$T/send.pid"
  exec "$MAILROOM" dmarc send --day "$DAY" "${COMMON[@]}" -o "dmarc_report.spool=$S2" \
    -o "dmarc_report.sendmail=$T/bin/sendmail-kill -oi -f %f -- %a" >"$T/crash.out" 2>&1
)
rc=$?
[ "$rc" -eq 137 ] && pass "dmarc send killed (-9) while sendmail took a report" ||
  fail "the killed run ended $rc: $(cat "$T/crash.out")"
"$MAILROOM" dmarc send --day "$DAY" "${COMMON[@]}" -o "dmarc_report.spool=$S2" "${SEND[@]}" \
  >"$T/after-crash" 2>&1 || fail "run after the kill: exit $?: $(cat "$T/after-crash")"
rm -rf "$T/xml2" && mkdir -p "$T/xml2"
"$PY" "$here/lib/dmarc_reports.py" "$SENT" "$T/xml2" >"$T/reports2" || fail "$(cat "$T/reports2")"
if [ "$(grep -c '^example.com ' "$T/reports2")" -eq 1 ] && [ "$(grep -c '^example.org ' "$T/reports2")" -eq 1 ]; then
  pass "after the kill -9: each report sent exactly once"
else
  fail "after the kill -9: $(cat "$T/reports2")"
fi

# A sendmail that fails: nothing marked, exit 75; the next run sends each once.
fresh_spool fails
SENDMAIL_EXIT=75 "$MAILROOM" dmarc send --day "$DAY" "${COMMON[@]}" -o "dmarc_report.spool=$S2" \
  "${SEND[@]}" >"$T/fails.out" 2>&1
rc=$?
[ "$rc" -eq 75 ] && grep -q "^failed example.com" "$T/fails.out" &&
  pass "a failed sendmail: exit 75, 'failed ... (retried next run)'" ||
  fail "failed sendmail: exit $rc: $(cat "$T/fails.out")"
rm -rf "$SENT" && mkdir -p "$SENT"
"$MAILROOM" dmarc send --day "$DAY" "${COMMON[@]}" -o "dmarc_report.spool=$S2" "${SEND[@]}" \
  >"$T/retry.out" 2>&1 || fail "retry run: exit $?: $(cat "$T/retry.out")"
[ "$(count_files "$SENT")" -eq 2 ] && pass "the next run sends both reports, once" ||
  fail "retry sent $(count_files "$SENT"): $(cat "$T/retry.out")"
finish
