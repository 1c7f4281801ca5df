#!/usr/bin/env bash
# DMARC failure reports (ruf=, RFC 7489 §7.3, RFC 6591): Knot serves the
# records; `mailroom deliver` records failures, `mailroom dmarc send` mails
# them through a recording sendmail. Checked: off by default (nothing
# recorded or sent); on, a delivery failing DMARC gives exactly one report,
# its MIME structure (multipart/report; report-type=feedback-report, a text
# part, message/feedback-report with the RFC 6591 fields, the headers as
# text/rfc822-headers) read with Python's email package, the recipient's
# local part redacted (RFC 6590); fo= honoured (fo=0 and a DMARC pass: no
# report; fo=s: an SPF report; fo=d: a DKIM report for a dkimpy signature
# broken in transit, with DKIM-Domain and DKIM-Selector, though DMARC
# passed); the per-domain hourly limit; a second run sends nothing again.
TEST_NAME=dmarc_failure
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/knot.sh
. "$here/lib/knot.sh"

PY=/usr/bin/python3
require_root
find_mailroom
require_cmd knotd kdig openssl
"$PY" -c 'import dkim' 2>/dev/null || skip "needs python3-dkim (scripts/deps/test-dkim.txt)"
make_scratch
install_mailroom
make_user U mrruf
MD="$T/home/$U/Maildir"

Z="$T/knot"
mkdir -p "$Z"
zone() {  # zone DOMAIN DMARC-RECORD
  # shellcheck disable=SC2016 # zone-file directives, not shell
  printf '$ORIGIN %s.\n$TTL 300\n@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n@ NS ns.%s.\nns A 127.0.0.1\n' "$1" "$1" "$1" "$1"
  printf '@ TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
  printf '_dmarc TXT "%s"\n' "$2"
}
zone example.com "v=DMARC1; p=quarantine; ruf=mailto:ruf@example.com; rua=mailto:rua@example.com" >"$Z/example.com.zone"
zone example.org "v=DMARC1; p=none; fo=s; ruf=mailto:ruf@example.org" >"$Z/example.org.zone"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa.pem" 2>/dev/null || die "openssl"
RSA_P=$(openssl pkey -in "$T/rsa.pem" -pubout -outform DER 2>/dev/null | base64 -w0)
{
  zone example.edu "v=DMARC1; p=none; fo=d; ruf=mailto:ruf@example.edu"
  printf 'rsa._domainkey TXT ( "v=DKIM1; k=rsa; p=%s" "%s" )\n' "${RSA_P:0:200}" "${RSA_P:200}"
} >"$Z/example.edu.zone"
start_knot "$Z" example.com example.org example.edu

SPOOL="$T/spool"
mkdir -p "$SPOOL" && chmod 0700 "$SPOOL"
COMMON=(-o log.target=stderr -o "auth.dns_server=127.0.0.1:$KNOT_PORT" -o auth.authserv_id=mx.example.net
  -o "dmarc_report.spool=$SPOOL" -o dmarc_report.org_name=mx.example.net
  -o dmarc_report.email=dmarc-reports@example.net)
ON=(-o dmarc_report.failure_reports=true -o dmarc_report.failure_reports_per_hour=3)
recording_sendmail root
SEND=(-o "dmarc_report.sendmail=$T/bin/sendmail-rec -oi -f %f -- %a")

n=0
# deliver_one FROM-ADDRESS IP [options...]
deliver_one() {
  n=$((n + 1))
  local from=$1 ip=$2
  shift 2
  printf 'From: Sender <%s>\nTo: Secret Person <%s@example.net>\nCc: other.person@example.net\nSubject: ruf %s\nMessage-ID: <ruf%s@example.com>\n\nbody\n' \
    "$from" "$U" "$n" "$n" >"$T/m.eml"
  CLIENT_ADDRESS=$ip CLIENT_HELO=mail.test "$MAILROOM" deliver -d "$U" -f "$from" "${COMMON[@]}" "$@" \
    <"$T/m.eml" >"$T/out" 2>"$T/err" || fail "delivery $n: exit $?: $(head -c 300 "$T/err")"
}
DAY=$(date -u +%F)

# Off by default: a failing delivery records no failure, sends none.
deliver_one alice@example.com 203.0.113.5
[ -e "$SPOOL/$DAY.failures" ] && fail "failure_reports off, yet $DAY.failures exists"
"$MAILROOM" dmarc send "${COMMON[@]}" "${SEND[@]}" -o dmarc_report.failure_reports=true >"$T/send0" 2>&1
[ "$(count_files "$SENT")" -eq 0 ] && pass "off by default: nothing recorded, nothing sent" ||
  fail "sent $(count_files "$SENT") with failure reports off: $(cat "$T/send0")"

# On: one DMARC failure (SPF fail, no DKIM) and one pass (fo=0: no report).
deliver_one alice@example.com 203.0.113.5 "${ON[@]}"
deliver_one alice@example.com 192.0.2.10 "${ON[@]}"
[ "$(count_files "$MD/new")" -eq 3 ] || fail "3 deliveries wanted, $(count_files "$MD/new") in new/"
"$MAILROOM" dmarc send "${COMMON[@]}" "${SEND[@]}" "${ON[@]}" >"$T/send1" 2>&1 ||
  fail "dmarc send: exit $?: $(cat "$T/send1")"
[ "$(count_files "$SENT")" -eq 1 ] && pass "one failing delivery: exactly one failure report (the pass gives none, fo=0)" ||
  fail "$(count_files "$SENT") reports: $(cat "$T/send1")"
"$PY" - "$SENT/0" "$U" >"$T/check" 2>&1 <<'PYEOF' && pass "MIME: multipart/report feedback-report; text, message/feedback-report (RFC 6591 fields), text/rfc822-headers redacted" || fail "$(cat "$T/check")"
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
argv, _, message = raw.partition(b"----\n")
user = sys.argv[2]
assert b"ruf@example.com" in argv.split(b"--\n", 1)[1], argv
msg = email.message_from_bytes(message, policy=email.policy.default)
assert msg.get_content_type() == "multipart/report", msg.get_content_type()
assert msg.get_param("report-type") == "feedback-report", msg.get_param("report-type")
parts = list(msg.iter_parts())
types = [p.get_content_type() for p in parts]
assert types == ["text/plain", "message/feedback-report", "text/rfc822-headers"], types
report = parts[1]
# email parses message/feedback-report as a message: its "headers" are the fields.
fields = report.get_payload()[0] if report.is_multipart() else email.message_from_string(report.get_payload(), policy=email.policy.default)
want = {"Feedback-Type": "auth-failure", "Auth-Failure": "dmarc", "Source-IP": "203.0.113.5",
        "Reported-Domain": "example.com", "Original-Mail-From": "<alice@example.com>",
        "Version": "1", "Identity-Alignment": "none",
        "Delivery-Result": "spam"}
for name, value in want.items():
    assert str(fields[name]) == value, (name, fields[name])
# The recipient (deliver -d: user@this host) with its local part redacted.
assert str(fields["Original-Rcpt-To"]).startswith("<redacted@"), fields["Original-Rcpt-To"]
for name in ("Arrival-Date", "Authentication-Results", "User-Agent"):
    assert fields[name], name
assert "dmarc=fail" in str(fields["Authentication-Results"]), fields["Authentication-Results"]
headers = parts[2].get_payload()
if not isinstance(headers, str):
    headers = parts[2].get_content()
assert "Subject: ruf 2" in headers, headers
assert user not in headers and "other.person" not in headers, headers
assert "To: Secret Person <redacted@example.net>" in headers, headers
assert "Message-ID: <ruf2@example.com>" in headers, headers
assert "alice@example.com" in headers, headers  # the reported domain's own address stays
assert "\nbody" not in headers, "the body must not be in the report"
print("ok")
PYEOF
"$MAILROOM" dmarc send "${COMMON[@]}" "${SEND[@]}" "${ON[@]}" >"$T/send2" 2>&1 || fail "second run: exit $?"
[ "$(count_files "$SENT")" -eq 1 ] && pass "a second run sends nothing again" ||
  fail "second run sent more: $(cat "$T/send2")"

# fo=s (example.org, p=none): an SPF failure gives an SPF report.
deliver_one bob@example.org 203.0.113.6 "${ON[@]}"
"$MAILROOM" dmarc send "${COMMON[@]}" "${SEND[@]}" "${ON[@]}" >"$T/send3" 2>&1 || fail "third run: exit $?"
[ "$(count_files "$SENT")" -eq 2 ] && grep -q "^Auth-Failure: spf$" "$SENT/1" && grep -q "^Delivery-Result: delivered$" "$SENT/1" &&
  pass "fo=s: an SPF failure report (Auth-Failure: spf) to example.org's ruf" ||
  fail "fo=s: $(count_files "$SENT") sent: $(cat "$T/send3")"

# fo=d (example.edu): SPF passes aligned, so DMARC passes, but the DKIM
# signature dkimpy made no longer verifies (the body changed after signing).
n=$((n + 1))
printf 'From: Carol <carol@example.edu>\nTo: %s@example.net\nSubject: ruf %s\nMessage-ID: <ruf%s@example.edu>\n\nbody\n' \
  "$U" "$n" "$n" >"$T/m.eml"
"$PY" "$here/lib/dkim_sign.py" "$T/m.eml" rsa example.edu "$T/rsa.pem" rsa-sha256 >"$T/m.signed" || die "dkimpy"
sed 's/^body$/body changed in transit/' "$T/m.signed" >"$T/m.eml"
CLIENT_ADDRESS=192.0.2.10 CLIENT_HELO=mail.test "$MAILROOM" deliver -d "$U" -f carol@example.edu "${COMMON[@]}" \
  "${ON[@]}" <"$T/m.eml" >"$T/out" 2>"$T/err" || fail "fo=d delivery: exit $?: $(head -c 300 "$T/err")"
"$MAILROOM" dmarc send "${COMMON[@]}" "${SEND[@]}" "${ON[@]}" >"$T/send-d" 2>&1 || fail "fo=d run: exit $?"
if [ "$(count_files "$SENT")" -eq 3 ] && grep -q "^Auth-Failure: dkim$" "$SENT/2" &&
  grep -q "^DKIM-Domain: example.edu$" "$SENT/2" && grep -q "^DKIM-Selector: rsa$" "$SENT/2" &&
  grep -q "dmarc=pass" "$SENT/2"; then
  pass "fo=d: a DKIM failure report (DKIM-Domain, DKIM-Selector) though DMARC passed"
else
  fail "fo=d: $(count_files "$SENT") sent: $(cat "$T/send-d") $(sed -n '/feedback-report$/,/^--/p' "$SENT/2" 2>&1)"
fi

# The limit: 3 an hour per reported domain; five more failures give two more reports.
for _ in 1 2 3 4 5; do deliver_one alice@example.com 203.0.113.5 "${ON[@]}"; done
"$MAILROOM" dmarc send "${COMMON[@]}" "${SEND[@]}" "${ON[@]}" >"$T/send4" 2>&1 || fail "fourth run: exit $?"
if [ "$(count_files "$SENT")" -eq 5 ] && grep -q "3 failure report(s) for example.com .* not sent: over failure_reports_per_hour (3)" "$T/send4"; then
  pass "rate limit: 3 an hour for example.com, the rest counted and not sent"
else
  # An hour boundary between the deliveries splits them over two hours.
  grep -q "over failure_reports_per_hour" "$T/send4" || fail "rate limit: $(count_files "$SENT") sent: $(cat "$T/send4")"
  pass "rate limit applied (the deliveries straddled an hour)"
fi
finish
