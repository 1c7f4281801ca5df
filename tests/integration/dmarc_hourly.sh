#!/usr/bin/env bash
# Hourly DMARC aggregate reports (ri=3600; RFC 7489 §6.3: receivers SHOULD
# offer hourly reports when asked). Knot serves example.com's SPF and a
# DMARC record with ri=3600; `mailroom deliver` records 14 deliveries; their
# lines are then spread over the hours of yesterday (only the time field
# changes: deliveries cannot wait a day) and `mailroom dmarc send`, run as
# from an hourly timer (no --day), sends one report per UTC hour that has
# records. Checked: every report's date_range is one whole UTC hour of
# yesterday; the counts per hour, and in sum, match the deliveries; every
# report validates against RFC 7489 Appendix C; a first run whose sendmail
# fails after three reports and a second run together send each hour's
# report exactly once; a third run sends nothing.
TEST_NAME=dmarc_hourly
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
require_cmd knotd kdig xmllint
make_scratch
install_mailroom
make_user U mrhourly
MD="$T/home/$U/Maildir"

Z="$T/knot"
mkdir -p "$Z"
{
  # shellcheck disable=SC2016 # zone-file directives, not shell
  printf '$ORIGIN example.com.\n$TTL 300\n@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n@ NS ns.example.com.\nns A 127.0.0.1\n'
  printf '@ TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
  printf '_dmarc TXT "v=DMARC1; p=none; ri=3600; rua=mailto:dmarc@example.com"\n'
} >"$Z/example.com.zone"
start_knot "$Z" example.com

SPOOL="$T/spool"
mkdir -p "$SPOOL" && chmod 0700 "$SPOOL"
COMMON=(-o log.target=stderr -o "auth.dns_server=127.0.0.1:$KNOT_PORT" -o auth.authserv_id=mx.example.net
  -o "dmarc_report.spool=$SPOOL" -o dmarc_report.org_name=mx.example.net
  -o dmarc_report.email=dmarc-reports@example.net)

n=0
# deliver_one IP: a message From example.com by client IP.
deliver_one() {
  n=$((n + 1))
  printf 'From: Alice <alice@example.com>\nTo: %s@example.net\nSubject: hourly %s\nMessage-ID: <h%s@example.com>\n\nbody\n' \
    "$U" "$n" "$n" >"$T/m.eml"
  CLIENT_ADDRESS=$1 CLIENT_HELO=mail.test "$MAILROOM" deliver -d "$U" -f alice@example.com "${COMMON[@]}" \
    <"$T/m.eml" >"$T/out" 2>"$T/err" || fail "delivery $n: exit $?: $(head -c 300 "$T/err")"
}
for _ in $(seq 10); do deliver_one 192.0.2.10; done  # SPF pass, aligned
for _ in $(seq 4); do deliver_one 203.0.113.5; done  # SPF fail
[ "$(count_files "$MD/new")" -eq 14 ] || fail "14 deliveries, $(count_files "$MD/new") in new/"
TODAY=$(date -u +%F)
[ "$(wc -l <"$SPOOL/$TODAY.records")" -eq 14 ] || fail "14 records wanted: $(wc -l <"$SPOOL/$TODAY.records")"

# Yesterday's file: record i (from 0) at hour HOURS[i], 17 s past the hour.
YESTERDAY=$(date -u -d yesterday +%F)
Y0=$(date -u -d "$YESTERDAY 00:00:00" +%s)
HOURS="0 0 3 3 3 7 12 12 13 18 23 23 23 23"
"$PY" - "$SPOOL/$TODAY.records" "$SPOOL/$YESTERDAY.records" "$Y0" "$HOURS" <<'PYEOF' || die "respacing the records"
import sys
src, dst, y0, hours = sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(h) for h in sys.argv[4].split()]
lines = open(src).read().splitlines()
assert len(lines) == len(hours)
with open(dst, "w") as out:
    for line, hour in zip(lines, hours):
        fields = line.split("\t")
        fields[1] = str(y0 + hour * 3600 + 17)  # "1\t<time>\t...": only the time changes
        out.write("\t".join(fields) + "\n")
PYEOF
rm "$SPOOL/$TODAY.records"

# Expected: per hour, the records (IP 192.0.2.10 for the first ten, then 203.0.113.5).
declare -A WANT
i=0
for h in $HOURS; do
  ip=192.0.2.10
  [ $i -ge 10 ] && ip=203.0.113.5
  key="$((Y0 + h * 3600))"
  WANT[$key]="${WANT[$key]:-} $ip"
  i=$((i + 1))
done

recording_sendmail root
# A sendmail that takes three reports, then fails: the run exits 75.
cat >"$T/bin/sendmail-3" <<WRAP
#!/bin/sh
[ "\$(ls "$T/sent" | wc -l)" -ge 3 ] && exit 75
exec "$T/bin/sendmail-rec" "\$@"
WRAP
chmod 0755 "$T/bin/sendmail-3"
"$MAILROOM" dmarc send "${COMMON[@]}" -o "dmarc_report.sendmail=$T/bin/sendmail-3 -oi -f %f -- %a" \
  >"$T/send1" 2>&1
rc=$?
[ "$rc" -eq 75 ] && [ "$(count_files "$SENT")" -eq 3 ] &&
  pass "first run: three hourly reports taken, the rest failed (exit 75)" ||
  fail "first run: exit $rc, $(count_files "$SENT") sent: $(cat "$T/send1")"
SEND=(-o "dmarc_report.sendmail=$T/bin/sendmail-rec -oi -f %f -- %a")
"$MAILROOM" dmarc send "${COMMON[@]}" "${SEND[@]}" >"$T/send2" 2>&1 ||
  fail "second run: exit $?: $(cat "$T/send2")"
grep -q "^sent example.com $YESTERDAY 23:00-24:00 to <dmarc@example.com> (1 records, 4 messages" "$T/send2" ||
  fail "no line for 23:00: $(cat "$T/send2")"

mkdir -p "$T/xml"
"$PY" "$here/lib/dmarc_reports.py" --range "$SENT" "$T/xml" >"$T/reports" || fail "$(cat "$T/reports")"
[ "$(wc -l <"$T/reports")" -eq "${#WANT[@]}" ] &&
  pass "${#WANT[@]} hourly reports for the ${#WANT[@]} hours with deliveries, over two runs" ||
  fail "$(wc -l <"$T/reports") reports, want ${#WANT[@]}: $(cat "$T/reports")"
[ "$(awk '{print $3}' "$T/reports" | sort -u | wc -l)" -eq "${#WANT[@]}" ] ||
  fail "a Report-ID sent twice: $(cat "$T/reports")"
total=0
for begin in "${!WANT[@]}"; do
  line=$(grep " range=$begin-$((begin + 3599))\$" "$T/reports")
  [ "$(printf '%s\n' "$line" | grep -c .)" -eq 1 ] || { fail "hour $begin: reports: '$line'"; continue; }
  want_rows=$(for ip in ${WANT[$begin]}; do echo "$ip"; done | sort | uniq -c |
    awk '{d = ($2 == "192.0.2.10") ? "pass" : "fail"; printf "%s%s/none/fail/%s=%s", sep, $2, d, $1; sep=";"}')
  printf '%s\n' "$line" | grep -q " rows=$want_rows range=" ||
    fail "hour $(((begin - Y0) / 3600)): want $want_rows: $line"
  total=$((total + $(printf '%s\n' "$line" | sed 's/.* rows=//; s/ range=.*//' | tr ';' '\n' |
    awk -F= '{s += $2} END {print s}')))
done
[ "$total" -eq 14 ] && pass "each report covers one UTC hour; counts per hour match, 14 in sum" ||
  fail "the hourly counts add up to $total, not 14"
for xml in "$T"/xml/*.xml; do
  xmllint --noout --schema "$XSD" "$xml" 2>"$T/xmllint" || fail "$(basename "$xml"): $(head -3 "$T/xmllint")"
done
pass "every hourly report validates against RFC 7489 Appendix C"

"$MAILROOM" dmarc send "${COMMON[@]}" "${SEND[@]}" >"$T/send3" 2>&1 || fail "third run: exit $?"
[ "$(count_files "$SENT")" -eq "${#WANT[@]}" ] && [ -e "$SPOOL/sent/$YESTERDAY/.done" ] &&
  pass "a third run sends nothing; the day is done" ||
  fail "third run: $(count_files "$SENT") sent: $(cat "$T/send3")"
finish
