#!/usr/bin/env bash
# DMARC reports others send us (issue 17), end to end: the samples of
# tests/data/dmarc/received (zip, gzip, plain XML, odd media types, and the
# hostile ones: a zip bomb, a ../ entry, entity expansion, an external
# entity) are delivered by `mailroom deliver -d` to the reports mailbox.
# Every delivery exits 0 and is in the Maildir; the good reports land in
# the recipient's store once (a second delivery of one counts once);
# `mailroom dmarc summary` prints the advice with the reverse DNS name Knot
# serves, --json and --domain/--since agree.
TEST_NAME=dmarc_summary
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/knot.sh
. "$here/lib/knot.sh"

require_root
find_mailroom
require_cmd knotd kdig
make_scratch
install_mailroom
make_user U mrdmrd
HOMEU="$T/home/$U"
MD="$HOMEU/Maildir"
DATA="$top/tests/data/dmarc/received"

Z="$T/knot"
mkdir -p "$Z"
{
  # shellcheck disable=SC2016 # zone-file directives, not shell
  printf '$ORIGIN 2.0.192.in-addr.arpa.\n$TTL 300\n@ SOA ns.example.net. h.example.net. 1 3600 600 86400 300\n@ NS ns.example.net.\n'
  printf '7 PTR mail.example.net.\n'
} >"$Z/2.0.192.in-addr.arpa.zone"
start_knot "$Z" 2.0.192.in-addr.arpa

COMMON=(-o log.target=stderr "${HERMETIC[@]}" -o "dmarc_report.reports_mailbox=dmarc@steamr.com")
n=0
for f in google-zip outlook-gzip yahoo-plain odd-type zip-bomb dotdot entities xxe google-zip; do
  n=$((n + 1))
  "$MAILROOM" deliver -d "$U" -r dmarc@steamr.com -f noreply@reporter.example "${COMMON[@]}" \
    <"$DATA/$f.eml" >"$T/out" 2>"$T/err.$n"
  rc=$?
  [ "$rc" -eq 0 ] || fail "$f: exit $rc: $(head -c 300 "$T/err.$n")"
done
[ "$(count_files "$MD/new")" -eq 9 ] && pass "all 9 messages delivered (hostile ones too)" ||
  fail "$(count_files "$MD/new") messages in new/, want 9"
grep -h "dmarc_report:" "$T"/err.* >"$T/notes"
grep -q "stored report 11223344556677889900 from google.com for steamr.com: 2 rows" "$T/notes" &&
  grep -q "report already stored: 11223344556677889900" "$T/notes" &&
  pass "the Google report stored once, its second delivery recognised" || fail "$(cat "$T/notes")"
grep -q "inflates past" "$T/notes" && grep -q "DOCTYPE or declaration refused" "$T/notes" &&
  pass "zip bomb and DOCTYPE (entities, XXE) refused, in the log" || fail "$(cat "$T/notes")"
STORE="$HOMEU/.mailroom/dmarc-reports"
[ "$(stat -c %U "$STORE/steamr.com.rows" 2>/dev/null)" = "$U" ] &&
  pass "the store is the recipient's" || fail "no store owned by $U: $(ls -la "$STORE" 2>&1)"
[ ! -e /etc/cron.d/x.xml ] || fail "a ../ entry name was used as a path"

"$MAILROOM" dmarc summary --store "$STORE" -o "auth.dns_server=127.0.0.1:$KNOT_PORT" >"$T/summary" 2>&1 ||
  fail "summary: exit $?"
want="192.0.2.7 (mail.example.net) sent 1,340 messages as steamr.com: DKIM not aligned (d=esp.example), SPF pass but not aligned (esp.example): add a DKIM key for steamr.com at your ESP, or align the return path (a MAIL FROM in steamr.com)"
grep -qF "$want" "$T/summary" && pass "summary: the advice, with the reverse DNS name" ||
  fail "summary lacks the advice: $(cat "$T/summary")"
grep -qF "steamr.com by google.com: 1 report, 1,300 messages, DMARC pass 5%" "$T/summary" &&
  grep -qF "198.51.100.10: 74 messages, DMARC pass 100%" "$T/summary" &&
  pass "summary: per reporter and per source figures" || fail "$(cat "$T/summary")"
"$MAILROOM" dmarc summary --json --no-dns --store "$STORE" --domain steamr.com >"$T/json" 2>&1
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["source_ip"]: x for x in d["sources"]}
assert s["192.0.2.7"]["messages"] == 1340 and s["192.0.2.7"]["dmarc_pass"] == 0, s
assert s["198.51.100.10"]["dmarc_pass"] == 74, s
assert sum(r["messages"] for r in d["reporters"]) == 1419, d["reporters"]
' "$T/json" && pass "--json: the same figures" || fail "json: $(head -c 400 "$T/json")"
"$MAILROOM" dmarc summary --no-dns --store "$STORE" --since 2026-12-06 >"$T/later"
grep -q "no reports stored" "$T/later" && pass "--since after every period: nothing" ||
  fail "--since: $(cat "$T/later")"
finish
