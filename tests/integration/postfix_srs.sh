#!/usr/bin/env bash
# Forwarding through a real Postfix (issue 13): alice@example.net writes to
# u@example.net, whose Sieve script redirects to v@example.net. Postfix
# (local(8), mailbox_command, as contrib/postfix/main.cf) runs mailroom for
# u, whose sieve.sendmail submits the copy back to Postfix; v's mailroom
# stores it. v's copy has an SRS0 Return-Path at fwd.example.net and our
# ARC set, which v's own authentication validates (arc=pass: Knot serves
# the seal key). A bounce to that SRS address is routed by
# contrib/postfix/srs-{main,master}.cf and srs-transport (as shipped, paths
# replaced) to mailroom, which sends it on to alice: it lands in her
# Maildir. A forged SRS address is refused (77) and Postfix bounces it.
TEST_NAME=postfix_srs
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/knot.sh
. "$here/lib/knot.sh"
# shellcheck source=lib/mta.sh
. "$here/lib/mta.sh"
# shellcheck source=lib/postfix.sh
. "$here/lib/postfix.sh"

require_root
require_cmd postfix postconf postqueue knotd kdig openssl
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
find_mailroom
make_scratch
install_mailroom
chmod 0755 "$T"

make_user A mrsa  # alice, the original sender
make_user U mrsu  # redirects
make_user V mrsv  # receives the forwarded copy
for who in "$A" "$U" "$V"; do mkdir -p "$T/home/$who/Maildir"; chown -R "$who" "$T/home/$who"; done
printf 'redirect "%s@example.net";\n' "$V" >"$T/home/$U/.dovecot.sieve"
chown "$U" "$T/home/$U/.dovecot.sieve"

# The seal key in DNS. mailbox_command runs mailroom as the recipient, so
# the key and secret must be readable by the users here (mailroom.toml(5)).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/arc.pem" 2>/dev/null
printf 'srs-secret-for-the-test\n' >"$T/srs.secret"
chmod 0644 "$T/arc.pem" "$T/srs.secret"
p=$(openssl pkey -in "$T/arc.pem" -pubout -outform DER 2>/dev/null | base64 -w0)
mkdir -p "$T/dns"
{
  printf '$ORIGIN forward.example.\n$TTL 300\n@ SOA ns.forward.example. hostmaster.forward.example. 1 3600 600 86400 300\n'
  printf '@ NS ns.forward.example.\nns A 127.0.0.1\n'
  printf 'arc._domainkey TXT ( "v=DKIM1; k=rsa; p=%s" "%s" )\n' "${p:0:200}" "${p:200}"
} >"$T/dns/forward.example.zone"
start_knot "$T/dns" forward.example

PORT=$(free_tcp_port)
cat >"$T/mailroom.toml" <<EOF
[log]
target = "stderr"
[maildir]
fsync = false
[auth]
dns_server = "127.0.0.1:$KNOT_PORT"
authserv_id = "mx.example.net"
[sieve]
sendmail = "$here/lib/smtp_sendmail.py $PORT -oi -f %f -- %a"
[srs]
domain = "fwd.example.net"
secret_file = "$T/srs.secret"
[arc_seal]
domain = "forward.example"
selector = "arc"
key = "$T/arc.pem"
EOF
chmod 0644 "$T/mailroom.toml"

E="$T/etc"
postfix_configure "$E"
subst() {
  sed -e "s|/usr/local/bin/mailroom|$MAILROOM|g" \
      -e "s|/etc/mailroom/mailroom.toml|$T/mailroom.toml|g" \
      -e "s|^\(mailbox_command = [^ ]*\) deliver |\1 deliver -c $T/mailroom.toml |" \
      -e "s|regexp:/etc/postfix/mailroom-srs-transport|regexp:$E/mailroom-srs-transport|" "$1"
}
subst "$repo/contrib/postfix/main.cf" | grep '^mailbox_command' >>"$E/main.cf"
subst "$repo/contrib/postfix/srs-main.cf" | grep -v '^#' | grep -v '^$' >>"$E/main.cf"
subst "$repo/contrib/postfix/srs-master.cf" | grep -v '^#' >>"$E/master.cf"
grep -v '^#' "$repo/contrib/postfix/srs-transport" >"$E/mailroom-srs-transport"
postfix_run "$E" "$PORT"

in_maildir() { grep -rlF "$2" "$T/home/$1/Maildir/new" 2>/dev/null | head -1; }
header_of() { sed '/^$/q' "$1" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g'; }

# -- alice -> u, redirected to v through Postfix
printf 'From: Alice <%s@example.net>\nTo: %s@example.net\nSubject: please forward\nDate: %s\nMessage-ID: <srs1.%s@example.net>\nMIME-Version: 1.0\n\ntoken-forward-%s\n' \
  "$A" "$U" "$(date -R)" "$$" "$$" >"$T/m1.eml"
/usr/bin/python3 "$here/lib/smtp_send.py" --source 127.0.0.1 "$PORT" "$A@example.net" "$U@example.net" "$T/m1.eml" >/dev/null ||
  die "Postfix refused the first message"
got_copy() { [ -n "$(in_maildir "$V" "token-forward-$$")" ]; }
if wait_for 30 got_copy; then
  f=$(in_maildir "$V" "token-forward-$$")
  h=$(header_of "$f")
  srs=$(grep -m1 '^Return-Path:' <<<"$h" | sed 's/^Return-Path: <\(.*\)>.*/\1/')
  [[ "$srs" =~ ^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=example\.net=$A@fwd\.example\.net$ ]] &&
    pass "v's copy came with the SRS sender $srs" || fail "Return-Path of v's copy: $srs"
  grep -q '^ARC-Seal: .*cv=none; d=forward.example; i=1; s=arc' <<<"$h" &&
    pass "v's copy carries our ARC set" || fail "no ARC set: $h"
  grep -m1 '^Authentication-Results: mx.example.net' <<<"$h" | grep -q 'arc=pass' &&
    pass "v's mailroom validates the seal u's mailroom made (arc=pass)" ||
    fail "v's Authentication-Results: $(grep '^Authentication-Results' <<<"$h")"
  [ -z "$(in_maildir "$U" "token-forward-$$")" ] && pass "u kept no copy (redirect)" ||
    fail "u kept a copy"
else
  fail "the redirected copy never reached v; $(tail -8 "$T/maillog")"
  finish
fi

# -- a bounce to the SRS address: Postfix -> mailroom-srs -> alice's Maildir
printf 'From: MAILER-DAEMON@far.example\nTo: %s\nSubject: Undelivered Mail Returned to Sender\n\ntoken-bounce-%s\n' \
  "$srs" "$$" >"$T/bounce.eml"
/usr/bin/python3 "$here/lib/smtp_send.py" --source 127.0.0.1 "$PORT" "" "$srs" "$T/bounce.eml" >/dev/null ||
  die "Postfix refused the bounce"
got_bounce() { [ -n "$(in_maildir "$A" "token-bounce-$$")" ]; }
wait_for 30 got_bounce && pass "the bounce to $srs reached alice through mailroom-srs" ||
  fail "bounce not returned; $(grep -i 'mailroom-srs\|SRS' "$T/maillog" | tail -5)"

# -- a forged SRS address: mailroom exits 77, Postfix bounces it
forged="SRS0=AAAA=${srs#SRS0=????=}"
printf 'From: someone@far.example\nTo: %s\nSubject: relay me\n\ntoken-forged-%s\n' "$forged" "$$" >"$T/forged.eml"
qid=$(/usr/bin/python3 "$here/lib/smtp_send.py" --source 127.0.0.1 "$PORT" "someone@far.example" "$forged" "$T/forged.eml") ||
  die "Postfix refused the forged message at SMTP time"
bounced() { grep -F "$qid: to=<$forged>" "$T/maillog" | grep -q 'relay=mailroom-srs.*status=bounced'; }
wait_for 20 bounced && pass "a forged SRS address is refused by mailroom and bounced by Postfix" ||
  fail "forged: $(grep -F "$qid" "$T/maillog" | tail -3)"
finish
