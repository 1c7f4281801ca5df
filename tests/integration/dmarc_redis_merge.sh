#!/usr/bin/env bash
# DMARC aggregate reports merged across two MX hosts on Redis (issue 17:
# "Reports for the same domain from several MX hosts can be merged when the
# store is Redis"). Knot serves example.com's SPF and DMARC records; two
# hosts (mxa, mxb: a spool each) record deliveries From example.com, moved
# to yesterday (only the time field changes). A real redis-server runs on a
# free loopback port. Checked: the sender (mxa, first of merge_hosts) sends
# nothing while mxb has not published; mxb's run publishes and sends
# nothing; then mxa sends exactly one report whose counts are the sum of
# both hosts', valid against RFC 7489 Appendix C; a report another sender
# has claimed is not sent (exit 75); reruns send nothing; with
# the grace over and mxb silent, mxa sends its own records and names mxb;
# with Redis down, `dmarc send` exits 75 and says why.
TEST_NAME=dmarc_redis_merge
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
require_cmd knotd kdig xmllint redis-server redis-cli
make_scratch
install_mailroom
make_user U mrmerge

Z="$T/knot"
mkdir -p "$Z"
{
  # shellcheck disable=SC2016 # zone-file directives, not shell
  printf '$ORIGIN example.com.\n$TTL 300\n@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n@ NS ns.example.com.\nns A 127.0.0.1\n'
  printf '@ TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
  printf '_dmarc TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"\n'
} >"$Z/example.com.zone"
start_knot "$Z" example.com

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/redis"
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$T/redis" \
  --daemonize no --loglevel warning >"$T/redis/log" 2>&1 &
REDIS_PID=$!
cleanup_add "kill $REDIS_PID 2>/dev/null; wait $REDIS_PID 2>/dev/null"

BASE=(-o log.target=stderr -o "auth.dns_server=127.0.0.1:$KNOT_PORT" -o auth.authserv_id=mx.example.net
  -o dmarc_report.org_name=mx.example.net -o dmarc_report.email=dmarc-reports@example.net)
recording_sendmail root
SEND=(-o "dmarc_report.sendmail=$T/bin/sendmail-rec -oi -f %f -- %a")
# merge HOST PREFIX: the options of HOST in the merged setup.
merge() {
  printf '%s\n' -o "dmarc_report.spool=$T/spool-$1" -o "dmarc_report.redis=redis://127.0.0.1:$PORT/2" \
    -o "dmarc_report.redis_prefix=$2" -o "dmarc_report.host_id=$1" \
    -o 'dmarc_report.merge_hosts=["mxa", "mxb"]' -o dmarc_report.merge_grace=48h
}

n=0
# deliver_one HOST IP: a message From example.com by client IP, recorded in HOST's spool.
deliver_one() {
  n=$((n + 1))
  printf 'From: Alice <alice@example.com>\nTo: %s@example.net\nSubject: merged %s\nMessage-ID: <m%s@example.com>\n\nbody\n' \
    "$U" "$n" "$n" >"$T/m.eml"
  CLIENT_ADDRESS=$2 CLIENT_HELO=mail.test "$MAILROOM" deliver -d "$U" -f alice@example.com "${BASE[@]}" \
    -o "dmarc_report.spool=$T/spool-$1" <"$T/m.eml" >"$T/out" 2>"$T/err" ||
    fail "delivery $n: exit $?: $(head -c 300 "$T/err")"
}
for h in mxa mxb; do mkdir -p "$T/spool-$h" && chmod 0700 "$T/spool-$h"; done
for _ in $(seq 10); do deliver_one mxa 192.0.2.10; done  # SPF pass, aligned
for _ in $(seq 4); do deliver_one mxa 203.0.113.5; done  # SPF fail
for _ in $(seq 3); do deliver_one mxb 192.0.2.10; done
for _ in $(seq 2); do deliver_one mxb 203.0.113.9; done

# Both days to yesterday noon: the period is over, the report due.
TODAY=$(date -u +%F)
YESTERDAY=$(date -u -d yesterday +%F)
NOON=$(($(date -u -d "$YESTERDAY 00:00:00" +%s) + 43200))
for h in mxa mxb; do
  awk -F '\t' -v OFS='\t' -v t="$NOON" '{$2 = t; print}' "$T/spool-$h/$TODAY.records" \
    >"$T/spool-$h/$YESTERDAY.records" && rm "$T/spool-$h/$TODAY.records" || die "moving $h's day"
done
[ "$(wc -l <"$T/spool-mxa/$YESTERDAY.records")" -eq 14 ] && [ "$(wc -l <"$T/spool-mxb/$YESTERDAY.records")" -eq 5 ] ||
  die "records: $(wc -l "$T"/spool-*/*.records)"
cp -a "$T/spool-mxa" "$T/spool-late"  # for the grace case

# 1. The sender first: mxb has published nothing, so nothing goes out yet.
mapfile -t A < <(merge mxa site1:)
mapfile -t B < <(merge mxb site1:)
retry 40 "$MAILROOM" dmarc send "${BASE[@]}" "${SEND[@]}" "${A[@]}" --dry-run >/dev/null 2>&1 ||
  die "redis-server did not answer: $(cat "$T/redis/log")"
"$MAILROOM" dmarc send "${BASE[@]}" "${SEND[@]}" "${A[@]}" >"$T/a1" 2>&1
rc=$?
[ "$rc" -eq 0 ] && [ "$(count_files "$SENT")" -eq 0 ] &&
  grep -qx "waiting example.com $YESTERDAY: not yet published by mxb" "$T/a1" &&
  pass "sender before mxb published: nothing sent, waits for mxb" ||
  fail "sender first: exit $rc, $(count_files "$SENT") sent: $(cat "$T/a1")"

# 2. mxb publishes and sends nothing itself.
"$MAILROOM" dmarc send "${BASE[@]}" "${SEND[@]}" "${B[@]}" >"$T/b1" 2>&1
rc=$?
[ "$rc" -eq 0 ] && [ "$(count_files "$SENT")" -eq 0 ] && grep -q "^published to redis://" "$T/b1" &&
  [ -e "$T/spool-mxb/sent/$YESTERDAY/.done" ] &&
  pass "mxb publishes, sends no report, and is done with the day" ||
  fail "mxb: exit $rc, $(count_files "$SENT") sent: $(cat "$T/b1")"

# 2b. Another sender holds the report (its claim in flight): this one
# sends nothing, does not settle the day, and exits 75 to come back.
KEY="site1:sent:$YESTERDAY:example.com"
redis-cli -p "$PORT" -n 2 SET "$KEY" "sending mxz 1" EX 600 >/dev/null || die "redis-cli SET"
"$MAILROOM" dmarc send "${BASE[@]}" "${SEND[@]}" "${A[@]}" >"$T/a0" 2>&1
rc=$?
[ "$rc" -eq 75 ] && [ "$(count_files "$SENT")" -eq 0 ] && [ ! -e "$T/spool-mxa/sent/$YESTERDAY/.done" ] &&
  grep -q "^later $YESTERDAY example.com: in flight (sending mxz 1)" "$T/a0" &&
  pass "a report another sender has in flight: not sent, exit 75, the day stays open" ||
  fail "claimed elsewhere: exit $rc, $(count_files "$SENT") sent: $(cat "$T/a0")"
redis-cli -p "$PORT" -n 2 DEL "$KEY" >/dev/null || die "redis-cli DEL"  # that sender's send failed

# 3. The sender again: one report, the sum of both hosts (mxa has
# published its day three times by now: SET replaced it, 10 not 30).
"$MAILROOM" dmarc send "${BASE[@]}" "${SEND[@]}" "${A[@]}" >"$T/a2" 2>&1 || fail "sender: exit $?: $(cat "$T/a2")"
mkdir -p "$T/xml"
"$PY" "$here/lib/dmarc_reports.py" "$SENT" "$T/xml" >"$T/reports" || fail "$(cat "$T/reports")"
count_ip() { tr ' ;' '\n\n' <"$T/reports" | sed 's/^rows=//' | awk -F= -v ip="$1/" 'index($1, ip) == 1 {s += $2} END {print s + 0}'; }
[ "$(count_files "$SENT")" -eq 1 ] && [ "$(count_ip 192.0.2.10)" -eq 13 ] &&
  [ "$(count_ip 203.0.113.5)" -eq 4 ] && [ "$(count_ip 203.0.113.9)" -eq 2 ] &&
  grep -q "^sent example.com $YESTERDAY to <dmarc@example.com> (3 records, 19 messages" "$T/a2" &&
  pass "one merged report: 192.0.2.10 13 (10+3), 203.0.113.5 4, 203.0.113.9 2" ||
  fail "merged report: $(count_files "$SENT") sent: $(cat "$T/reports") / $(cat "$T/a2")"
for xml in "$T"/xml/*.xml; do
  xmllint --noout --schema "$XSD" "$xml" 2>"$T/xmllint" || fail "$(basename "$xml"): $(head -3 "$T/xmllint")"
done
pass "the merged report validates against RFC 7489 Appendix C"

# 4. Reruns, and mxb's new publishing, send nothing.
"$MAILROOM" dmarc send "${BASE[@]}" "${SEND[@]}" "${B[@]}" >"$T/b2" 2>&1 || fail "mxb rerun: exit $?"
"$MAILROOM" dmarc send "${BASE[@]}" "${SEND[@]}" "${A[@]}" >"$T/a3" 2>&1 || fail "sender rerun: exit $?"
"$MAILROOM" dmarc send "${BASE[@]}" "${SEND[@]}" "${A[@]}" --day "$YESTERDAY" >"$T/a4" 2>&1 ||
  fail "sender rerun --day: exit $?"
[ "$(count_files "$SENT")" -eq 1 ] && [ -e "$T/spool-mxa/sent/$YESTERDAY/.done" ] &&
  pass "reruns (and --day) send nothing more; the sender's day is done" ||
  fail "reruns: $(count_files "$SENT") sent: $(cat "$T/a3" "$T/a4")"

# 5. Grace over, mxb silent (another prefix: nothing published there):
# mxa sends its own records and names mxb.
mapfile -t L < <(merge mxa site2: | sed "s|spool-mxa|spool-late|")
"$MAILROOM" dmarc send "${BASE[@]}" "${SEND[@]}" "${L[@]}" -o dmarc_report.merge_grace=1s >"$T/l1" 2>&1 ||
  fail "grace over: exit $?: $(cat "$T/l1")"
grep -qx "  example.com $YESTERDAY: merged without mxb (nothing published since the period ended; grace over)" "$T/l1" &&
  grep -q "^sent example.com $YESTERDAY to <dmarc@example.com> (2 records, 14 messages" "$T/l1" &&
  [ "$(count_files "$SENT")" -eq 2 ] &&
  pass "grace over: mxa sends its 14 messages alone and names mxb" ||
  fail "grace over: $(count_files "$SENT") sent: $(cat "$T/l1")"

# 6. Redis down: exit 75, a message naming it; nothing sent.
kill "$REDIS_PID" && wait "$REDIS_PID" 2>/dev/null
"$MAILROOM" dmarc send "${BASE[@]}" "${SEND[@]}" "${A[@]}" >"$T/down" 2>&1
rc=$?
[ "$rc" -eq 75 ] && grep -qF "mailroom dmarc send: dmarc_report.redis: redis 127.0.0.1:$PORT: connect: Connection refused" "$T/down" &&
  [ "$(count_files "$SENT")" -eq 2 ] &&
  pass "redis down: exit 75: $(head -1 "$T/down")" || fail "redis down: exit $rc: $(cat "$T/down")"
finish
