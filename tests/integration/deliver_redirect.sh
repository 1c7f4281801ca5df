#!/usr/bin/env bash
# Forwarding that does not break the receiver's checks (issue 13): a Sieve
# redirect with [srs] and [arc_seal] set reaches a recording sendmail with
# the envelope sender SRS-rewritten and an ARC set on top that dkimpy's
# arc_verify passes (cv=none on a first hop, cv=pass on top of the ARC
# suite's valid chain); a bounce to the SRS address goes back to the
# original sender, a forged one is refused (77); `mailroom srs reverse`
# agrees; an Authentication-Results field forged in our name goes on renamed. The SRS secret file and the ARC key are root's alone (0600):
# deliver opens them before it becomes the user. Knot serves the keys.
TEST_NAME=deliver_redirect
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/knot.sh
. "$here/lib/knot.sh"

require_root
find_mailroom
require_cmd knotd kdig openssl
/usr/bin/python3 -c 'import dkim, yaml' 2>/dev/null || skip "dkimpy or PyYAML missing (scripts/deps/test-dkim.txt)"
make_scratch
install_mailroom
make_user U mrfw
HOMEU="$T/home/$U"
MD="$HOMEU/Maildir"
RCPT="$U@example.net"

# Root-only secrets: the user cannot read them, deliver opened them as root.
K="$T/keys"
mkdir -p "$K" && chmod 0700 "$K"
printf '# newest first\nnew-secret-2026\nold-secret-2025\n' >"$K/srs.secret"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/arc.pem" 2>/dev/null
chmod 0600 "$K/srs.secret" "$K/arc.pem"
arc_p=$(openssl pkey -in "$K/arc.pem" -pubout -outform DER 2>/dev/null | base64 -w0)

# Keys in DNS: ours, and the ARC suite's (example.org) for the chain it seals.
/usr/bin/python3 - "$top/tests/data/arc/arc-draft-validation-tests.yml" "$T" "$arc_p" <<'PY'
import sys, yaml
suite, out, ours = sys.argv[1:4]
records = {"arc._domainkey.forward.example": "v=DKIM1; k=rsa; p=" + ours}
for doc in yaml.safe_load_all(open(suite)):
    for name, text in doc["txt-records"].items():
        records.setdefault(name, "".join(text.split("\n")))
    if "cv_pass_i2_1" in doc["tests"]:
        open(out + "/chain.eml", "w").write(doc["tests"]["cv_pass_i2_1"]["message"])
with open(out + "/keys.txt", "w") as keys:
    for name, text in records.items():
        keys.write(name + "\t" + text + "\n")
def zone(domain):
    lines = ["$ORIGIN %s." % domain, "$TTL 300",
             "@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300" % (domain, domain),
             "@ NS ns.%s." % domain, "ns A 127.0.0.1"]
    for name, text in records.items():
        if name.endswith("." + domain):
            parts = " ".join('"%s"' % text[i:i + 250] for i in range(0, len(text), 250))
            lines.append("%s. TXT ( %s )" % (name, parts))
    open("%s/%s.zone" % (out, domain), "w").write("\n".join(lines) + "\n")
zone("example.org")
zone("forward.example")
PY
[ -s "$T/chain.eml" ] || die "cv_pass_i2_1 not found in the ARC suite"
start_knot "$T" forward.example example.org

recording_sendmail "$U"
printf 'if anyof (header :contains "Subject" "fwd", address :is "From" "jqd@d1.example.org")\n{ redirect "friend@elsewhere.example"; }\n' \
  >"$HOMEU/.dovecot.sieve"
chown "$U" "$HOMEU/.dovecot.sieve"

COMMON=(-o log.target=stderr -o maildir.fsync=false -o "auth.dns_server=127.0.0.1:$KNOT_PORT"
  -o auth.authserv_id=mx.forward.example -o "sieve.sendmail=$T/bin/sendmail-rec -oi -f %f -- %a"
  -o srs.domain=fwd.example.net -o "srs.secret_file=$K/srs.secret"
  -o arc_seal.domain=forward.example -o arc_seal.selector=arc -o "arc_seal.key=$K/arc.pem")
# run NAME WANT_RC ARGS... <message
run() {
  local name=$1 want=$2 rc
  shift 2
  "$MAILROOM" deliver "${COMMON[@]}" -d "$U" "$@" >"$T/out" 2>"$T/err"
  rc=$?
  [ "$rc" -eq "$want" ] || { fail "$name: exit $rc, want $want: $(head -c 600 "$T/err")"; return 1; }
}
sent_arg() { sed -n "$2p" "$SENT/$1"; }    # argv word M (from 1) of sendmail run N (from 0)
sent_msg() { sed '1,/^----$/d' "$SENT/$1"; } # what sendmail run N read
verify() { # verify N NAME: dkimpy's verdict on the message sendmail run N read
  local d="$T/v$1"
  mkdir -p "$d" && cp "$T/keys.txt" "$d/" && sent_msg "$1" | sed 's/$/\r/' >"$d/$2.eml"
  /usr/bin/python3 "$top/tests/unit/auth/arc_verify_dkimpy.py" "$d"
}

# -- a first hop: SRS0 sender, ARC set i=1 cv=none that dkimpy passes
printf 'Authentication-Results: mx.forward.example; dmarc=pass header.from=example.com\nFrom: Alice <alice@example.com>\nTo: %s\nSubject: fwd me\nDate: Mon, 7 Dec 2026 04:00:00 +0000\nMessage-ID: <fw1@example.com>\nMIME-Version: 1.0\n\nHello  there.\n' \
  "$RCPT" >"$T/fresh.eml"
srs=""
if run "redirect, first hop" 0 -f alice@example.com -r "$RCPT" <"$T/fresh.eml"; then
  srs=$(sent_arg 0 3)
  [[ "$srs" =~ ^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=example\.com=alice@fwd\.example\.net$ ]] &&
    [ "$(sent_arg 0 5)" = friend@elsewhere.example ] && pass "envelope sender rewritten: $srs" ||
    fail "sendmail argv: $(sed -n '1,/^----$/p' "$SENT/0")"
  sent_msg 0 | head -1 | grep -q '^ARC-Seal: a=rsa-sha256;' &&
    sent_msg 0 | grep -q '^ARC-Authentication-Results: i=1; mx.forward.example;' &&
    sent_msg 0 | grep -q "^X-Mailroom-Redirected: <$RCPT>" &&
    pass "ARC set i=1 and our loop field on top" || fail "fields on top: $(sent_msg 0 | head -12)"
  sent_msg 0 | grep -q '^X-Forged-Authentication-Results: mx.forward.example; dmarc=pass' &&
    ! sent_msg 0 | grep -q '^Authentication-Results: mx.forward.example' &&
    pass "a field forged in our name is passed on renamed (RFC 8601 5)" ||
    fail "forged A-R: $(sent_msg 0 | grep -i 'authentication-results')"
  sent_msg 0 | grep -q 'cv=none; d=forward.example; i=1; s=arc' && pass "first hop seals cv=none" ||
    fail "seal: $(sent_msg 0 | head -4)"
  verdict=$(verify 0 first)
  [[ "$verdict" == "first pass"* ]] && pass "dkimpy arc_verify: pass (first hop)" ||
    fail "dkimpy on the first hop: $verdict"
  grep -qF "srs=<$srs> arc=i=1,cv=none" "$T/err" &&
    pass "the log names the SRS sender and the seal" || fail "log: $(cat "$T/err")"
  [ "$("$MAILROOM" srs reverse "${COMMON[@]}" "$srs")" = alice@example.com ] &&
    pass "mailroom srs reverse gives the sender back" || fail "srs reverse $srs"
fi
[ -n "$srs" ] || die "no SRS address to continue with"

# -- on top of the ARC suite's valid two-set chain (unchanged: its newest
# message signature covers the Subject): i=3, cv=pass, dkimpy passes
if run "redirect, valid chain" 0 -f jqd@d1.example -r "$RCPT" <"$T/chain.eml"; then
  sent_msg 1 | grep -q 'cv=pass; d=forward.example; i=3; s=arc' && pass "seals i=3 with cv=pass" ||
    fail "seal on the chain: $(sent_msg 1 | head -4) $(cat "$T/err")"
  verdict=$(verify 1 chain)
  [[ "$verdict" == "chain pass"* ]] && pass "dkimpy arc_verify: pass (cv=pass chain)" ||
    fail "dkimpy on the chain: $verdict"
fi

# -- the bounce comes back to the SRS address: sent on to alice, sender kept <>
printf 'From: MAILER-DAEMON@elsewhere.example\nTo: %s\nSubject: Undelivered Mail\n\nbounce\n' "$srs" >"$T/bounce.eml"
n=$(ls "$SENT" | wc -l)
if run "SRS bounce" 0 -f "" -r "$srs" <"$T/bounce.eml"; then
  [ "$(sent_arg "$n" 5)" = alice@example.com ] && [ -z "$(sent_arg "$n" 3)" ] &&
    sent_msg "$n" | grep -q '^bounce$' &&
    pass "a bounce to the SRS address goes to the original sender" || fail "bounce: $(cat "$SENT/$n" 2>/dev/null)"
fi
# ... case-smashed by some MTA on the way: still recognised
lower=$(printf '%s' "$srs" | tr 'A-Z' 'a-z')
run "SRS bounce, lower case" 0 -f "" -r "$lower" <"$T/bounce.eml" &&
  [ "$(sent_arg $((n + 1)) 5)" = alice@example.com ] && pass "case-smashed SRS address still reversed" ||
  fail "lower-case bounce: $(cat "$SENT/$((n + 1))" 2>/dev/null)"
# ... a forged one (another hash) is refused and nothing is sent
forged="SRS0=AAAA=${srs#SRS0=????=}"
n=$(ls "$SENT" | wc -l)
run "forged SRS bounce" 77 -f "" -r "$forged" <"$T/bounce.eml" && [ "$(ls "$SENT" | wc -l)" -eq "$n" ] &&
  pass "a forged SRS address is refused (77), nothing sent" || fail "forged: $(cat "$T/err")"
# ... an address signed with the old secret still works (rotation)
old=$("$MAILROOM" srs forward -o srs.domain=fwd.example.net -o srs.secrets=old-secret-2025 bob@example.org)
run "old-secret bounce" 0 -f "" -r "$old" <"$T/bounce.eml" &&
  [ "$(sent_arg "$n" 5)" = bob@example.org ] && pass "an address of the previous secret is accepted" ||
  fail "rotation: $(cat "$T/err")"

# -- the loop field: back for the same user, kept, not redirected again
sent_msg 0 >"$T/looped.eml"
n=$(ls "$SENT" | wc -l)
run "loop" 0 -f "$srs" -r "$RCPT" <"$T/looped.eml" && [ "$(ls "$SENT" | wc -l)" -eq "$n" ] &&
  grep -rqs "Message-ID: <fw1@example.com>" "$MD/new" && grep -q "a loop" "$T/err" &&
  pass "a message we redirected before is kept, not sent again" || fail "loop: $(cat "$T/err")"
finish
