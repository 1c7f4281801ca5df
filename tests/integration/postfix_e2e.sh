#!/usr/bin/env bash
# A real MTA delivers through `mailroom deliver` (issue 2, "Proven by tests").
#
# A private Postfix instance on 127.0.0.1:<free port> (ORACLES.md, "Postfix
# end to end (verified)") with the settings of contrib/postfix/{main,master}.cf
# appended as they are shipped, only the paths and the vmail user replaced:
#   example.net  local(8) + mailbox_command  -> ~/Maildir of a passwd user
#   example.org  the "mailroom" pipe(8) transport -> virtual users of vmail
# For each route: messages land once in the right Maildir and Postfix logs
# status=sent; an unwritable Maildir gives status=deferred with the message
# kept in the queue; after the fix and a flush it is delivered exactly once.
# A virtual address Postfix knows but mailroom does not -> 67 -> bounced 5.1.1.
# Sieve vacation (issue 13): the reply to a message from bob@example.org goes
# back through Postfix with the null sender and lands in bob's Maildir, once.
# SPF (issue 11): Knot serves example.com "v=spf1 ip4:127.0.0.2 -all"; a
# message from 127.0.0.2 gets spf=pass on both routes (mailbox_command:
# local(8) exports CLIENT_ADDRESS and CLIENT_HELO; pipe: the
# --client-address=${client_address} of contrib/postfix/master.cf), and one
# from 127.0.0.1 gets spf=fail (the address really is the client's).
TEST_NAME=postfix_e2e
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
require_cmd postfix postconf postqueue useradd knotd kdig
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
find_mailroom
make_scratch
install_mailroom

# --- users and Maildirs ------------------------------------------------------
make_user LU mrpf  # a passwd user for the mailbox_command route
make_user VM mrvm  # owns every virtual Maildir; the pipe transport runs as it
LHOME="$T/home/$LU"
mkdir -p "$T/vmail"
for v in alice bob; do mkdir -p "$T/vmail/$v"; done
chown -R "$VM:$VM" "$T/vmail"
chmod 0755 "$T/vmail"
{
  echo "alice:$(id -u "$VM"):$(id -g "$VM"):$T/vmail/alice/Maildir"
  echo "bob:$(id -u "$VM"):$(id -g "$VM"):$T/vmail/bob/Maildir"
} >"$T/virtual-users"
chmod 0644 "$T/virtual-users"

# DNS: Knot with the sender's SPF record; no query leaves the machine.
mkdir -p "$T/dns"
{
  printf '$ORIGIN example.com.\n$TTL 300\n@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n'
  printf '@ NS ns.example.com.\nns A 127.0.0.1\n@ TXT "v=spf1 ip4:127.0.0.2 -all"\n'
} >"$T/dns/example.com.zone"
start_knot "$T/dns" example.com

# mailroom.toml for the pipe route, from contrib/ with our paths.
sed -e "s|/etc/mailroom/virtual-users|$T/virtual-users|" \
    "$repo/contrib/postfix/mailroom.toml" >"$T/mailroom.toml"
printf '\n[auth]\ndns_server = "127.0.0.1:%s"\n' "$KNOT_PORT" | tee -a "$T/mailroom.toml" >"$T/local.toml"
chmod 0644 "$T/mailroom.toml" "$T/local.toml"

# --- the Postfix instance ------------------------------------------------------
PORT=$(free_tcp_port)
E="$T/etc"
postfix_configure "$E"
printf '%s\n' "alice@example.org x" "bob@example.org x" "ghost@example.org x" >"$E/vmailbox"
# The shipped snippets, setting lines only, with this instance's paths.
subst() {
  sed -e "s|/usr/local/bin/mailroom|$MAILROOM|g" \
      -e "s|/etc/mailroom/mailroom.toml|$T/mailroom.toml|g" \
      -e "s|^\(mailbox_command = [^ ]*\) deliver |\1 deliver -c $T/local.toml |" \
      -e "s|hash:/etc/postfix/vmailbox|texthash:$E/vmailbox|g" \
      -e "s|user=vmail:vmail|user=$VM:$VM|g" "$1"
}
subst "$repo/contrib/postfix/main.cf" | grep -v '^#' | grep -v '^$' >>"$E/main.cf"
subst "$repo/contrib/postfix/master.cf" | grep -v '^#' >>"$E/master.cf"

postfix_run "$E" "$PORT"

# --- helpers -------------------------------------------------------------------
n=0
# send TO [FROM [CLIENT_IP]]: sends a fresh message carrying a unique token
# from CLIENT_IP (default 127.0.0.2); sets TOKEN and QID.
send() {
  local to=$1 from=${2-sender@example.com} source=${3:-127.0.0.2}
  n=$((n + 1))
  TOKEN="tok$$x$n"
  write_message "$T/msg$n.eml" "$to" "$TOKEN"
  QID=$(/usr/bin/python3 "$here/lib/smtp_send.py" --source "$source" "$PORT" "$from" "$to" "$T/msg$n.eml") ||
    die "SMTP refused message $n to $to"
}
re_quote() { sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$1"; }
logged() { grep -qE "$1: to=<$(re_quote "$2")>.*status=$3" "$T/maillog"; }
# wait_status QID ADDR STATUS: waits for Postfix to log that outcome.
wait_status() {
  wait_for 20 logged "$1" "$2" "$3" && return 0
  fail "no status=$3 for $1 to <$2>; last log lines:"
  tail -5 "$T/maillog" >&2
  return 1
}
# spf_of MAILDIR TOKEN: the spf= result of the delivered copy's
# Authentication-Results (mailroom's, the topmost one).
spf_of() {
  local f
  f=$(grep -rlF "$2" "$1/new" "$1/cur" 2>/dev/null | head -1)
  [ -n "$f" ] || return
  # The header, unfolded; the result of the first spf= of our field.
  sed '/^$/q' "$f" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g' |
    grep -m1 '^Authentication-Results:' | grep -o 'spf=[a-z]*' | head -1 | cut -d= -f2
}
# check_spf ROUTE MAILDIR TO: 127.0.0.2 passes, 127.0.0.1 fails.
check_spf() {
  local route=$1 md=$2 to=$3 ip want got
  for ip in 127.0.0.2 127.0.0.1; do
    want=pass
    [ "$ip" = 127.0.0.1 ] && want=fail
    send "$to" sender@example.com "$ip"
    wait_status "$QID" "$to" sent || continue
    got=$(spf_of "$md" "$TOKEN")
    if [ "$got" = "$want" ]; then
      pass "$route: client $ip -> spf=$got"
    else
      fail "$route: client $ip -> spf='$got', want $want: $(grep -rhF -A1 "Authentication-Results" "$md/new" | tail -2)"
    fi
  done
}

# --- route 1: mailbox_command, a passwd user -----------------------------------
LMD="$LHOME/Maildir"
for _ in 1 2 3; do
  send "$LU@example.net"
  wait_status "$QID" "$LU@example.net" sent && check_delivery "$LMD" "$TOKEN" "$LU"
done
grep -q "to=<$LU@example.net>, relay=local" "$T/maillog" || fail "mailbox route did not use local(8)"
/usr/bin/python3 "$here/lib/maildir_check.py" "$LMD" --expect 3 --tmp-empty >&2 ||
  fail "Maildir layout of $LMD"

# Unwritable Maildir: deferred, kept, then delivered exactly once after a flush.
defer_and_flush() {
  local md=$1 addr=$2 owner=$3 qid out
  chmod 0500 "$md" "$md/tmp" "$md/new" "$md/cur"
  send "$addr"
  qid=$QID
  if wait_status "$qid" "$addr" deferred; then
    why=$(grep -E "$qid: to=<$(re_quote "$addr")>.*deferred" "$T/maillog" | sed 's/.*dsn=//' | tail -1)
    # Exit 75 with mailroom's RFC 3463 code first: Postfix takes it as the DSN
    # (dsn=4.3.0) and the rest as the reason; a crash reads "Command died
    # with signal", an exit without a code "temporary failure. Command output".
    if grep -qE "^4\.3\.0, status=deferred \(mailroom: .*Permission denied" <<<"$why"; then
      pass "unwritable $md -> $why"
    else
      fail "unwritable $md: deferred, but not by exit 75 with a reason: $why"
    fi
  fi
  [ "$(copies "$md" "$TOKEN")" -eq 0 ] || fail "$TOKEN delivered although the Maildir is unwritable"
  out=$(postqueue -c "$E" -p 2>&1)
  grep -q "^$qid" <<<"$out" || fail "deferred $qid is not in the queue: $out"
  chmod 0700 "$md" "$md/tmp" "$md/new" "$md/cur"
  postqueue -c "$E" -f
  wait_status "$qid" "$addr" sent && check_delivery "$md" "$TOKEN" "$owner"
  sleep 1  # a second delivery attempt would show up by now
  [ "$(grep -cE "$qid: to=<$(re_quote "$addr")>.*status=sent" "$T/maillog")" -eq 1 ] ||
    fail "$qid logged status=sent more than once"
  [ "$(copies "$md" "$TOKEN")" -eq 1 ] || fail "$TOKEN: not exactly one copy after the flush"
}
defer_and_flush "$LMD" "$LU@example.net" "$LU"
check_spf mailbox_command "$LMD" "$LU@example.net"

# The user's Sieve script (~/.dovecot.sieve) runs behind Postfix: fileinto.
printf 'require "fileinto";\nif exists "received" { fileinto "Sieved"; }\n' >"$LHOME/.dovecot.sieve"
chown "$LU" "$LHOME/.dovecot.sieve"
send "$LU@example.net"
if wait_status "$QID" "$LU@example.net" sent; then
  [ "$(copies "$LMD/.Sieved" "$TOKEN")" -eq 1 ] && pass "mailbox_command: Sieve fileinto -> .Sieved" ||
    fail "Sieve fileinto behind Postfix: $TOKEN not in $LMD/.Sieved"
fi
rm -f "$LHOME/.dovecot.sieve"

# Vacation behind Postfix: sieve.sendmail hands the reply to this instance
# over SMTP (its sendmail(1) would need the default configuration
# directory for a user other than root); it comes back through the
# mailroom pipe into bob's Maildir, sent from <>.
mkdir -p "$T/bin"
cat >"$T/bin/sendmail-smtp" <<SMTPEOF
#!/bin/sh
[ "\$1" = -f ] || exit 64
from=\$2
shift 3
f=\$(mktemp) || exit 75
cat >"\$f"
for rcpt in "\$@"; do
  /usr/bin/python3 "$here/lib/smtp_send.py" "$PORT" "\$from" "\$rcpt" "\$f" >/dev/null || { rm -f "\$f"; exit 75; }
done
rm -f "\$f"
SMTPEOF
chmod 0755 "$T/bin" "$T/bin/sendmail-smtp"
printf '[sieve]\nsendmail = "%s -f %%f -- %%a"\n' "$T/bin/sendmail-smtp" >>"$T/local.toml"
printf 'require "vacation";\nvacation :subject "Away" "Back on Monday.";\n' >"$LHOME/.dovecot.sieve"
chown "$LU" "$LHOME/.dovecot.sieve"
BMD="$T/vmail/bob/Maildir"
replied() { grep -rlsF "In-Reply-To: <$1@example.com>" "$BMD/new" "$BMD/cur" | head -1; }
for round in 1 2; do
  send "$LU@example.net" bob@example.org
  wait_status "$QID" "$LU@example.net" sent || continue
  if [ "$round" = 1 ]; then
    if wait_for 20 replied "$TOKEN"; then
      reply=$(replied "$TOKEN")
      # Postfix logs the null sender as from=<> (pipe(8) writes it as
      # Return-Path: <MAILER-DAEMON>).
      rqid=$(grep -m1 -o "with ESMTP id [0-9A-Za-z]*" "$reply" | awk '{print $4}')
      grep -q "$rqid: from=<>," "$T/maillog" && grep -qx "Auto-Submitted: auto-replied" "$reply" &&
        grep -qx "Subject: Away" "$reply" && grep -q "^Back on Monday.$" "$reply" &&
        pass "vacation: the reply went through Postfix from <> into bob's Maildir" ||
        fail "vacation reply: $(sed '/^$/q' "$reply")"
    else
      fail "vacation: no reply reached bob; $(tail -3 "$T/maillog")"
    fi
  else
    sleep 2  # a second reply would have arrived by now
    [ -z "$(replied "$TOKEN")" ] && pass "vacation: no second reply to bob within :days" ||
      fail "vacation: a second reply to bob"
  fi
done
rm -f "$LHOME/.dovecot.sieve"

# --- route 2: pipe transport, virtual users ------------------------------------
AMD="$T/vmail/alice/Maildir"
for to in alice@example.org bob@example.org alice@example.org; do
  send "$to"
  md=$AMD
  [ "$to" = bob@example.org ] && md=$BMD
  wait_status "$QID" "$to" sent && check_delivery "$md" "$TOKEN" "$VM"
done
grep -q "to=<alice@example.org>, relay=mailroom" "$T/maillog" || fail "virtual route did not use the mailroom pipe"
# user+folder@: ${extension} -> -m folder -> Maildir++ .folder
send "alice+lists@example.org"
if wait_status "$QID" "alice+lists@example.org" sent; then
  if [ "$(copies "$AMD/.lists" "$TOKEN")" -eq 1 ]; then
    pass "alice+lists -> .lists"
  else
    fail "alice+lists@example.org not in $AMD/.lists (-m \${extension})"
  fi
  [ -f "$AMD/.lists/maildirfolder" ] || fail "$AMD/.lists has no maildirfolder file"
fi
defer_and_flush "$AMD" "alice@example.org" "$VM"
/usr/bin/python3 "$here/lib/maildir_check.py" "$AMD" --expect 3 --tmp-empty >&2 ||
  fail "Maildir layout of $AMD"

check_spf pipe "$BMD" bob@example.org

# --- unknown to mailroom: 67 -> bounced (null sender: no notice to send) -------
send "ghost@example.org" ""
if wait_status "$QID" "ghost@example.org" bounced; then
  if grep -qE "$QID: to=<ghost@example.org>.*dsn=5\.1\.1" "$T/maillog"; then
    pass "unknown virtual user -> bounced 5.1.1"
  else
    fail "ghost bounced without dsn=5.1.1: $(grep "$QID: to=<ghost" "$T/maillog")"
  fi
fi

# Postfix logs status=bounced before its queue manager removes the file (and
# a null-sender message is dropped only then): give the queue a few seconds.
for _ in $(seq 1 50); do
  out=$(postqueue -c "$E" -p 2>&1)
  grep -q "Mail queue is empty" <<<"$out" && break
  sleep 0.2
done
grep -q "Mail queue is empty" <<<"$out" || fail "queue not empty at the end: $out"
finish
