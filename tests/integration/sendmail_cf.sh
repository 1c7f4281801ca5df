#!/usr/bin/env bash
# Sendmail (issue 11): the instructions of contrib/sendmail/mailroom.mc work
# on Debian 12's own sendmail.mc. The sed command the file gives is run as
# written (only its paths replaced) on a copy of Debian's sendmail.mc
# (/usr/share/sendmail/cf/debian/sendmail.mc, what sendmailconfig installs
# as /etc/mail/sendmail.mc), m4 and Debian's sendmail-cf macros build
# sendmail.cf without a warning, and its Mlocal line names mailroom. Then
# mailroom runs with the argument vector of that Mlocal line as Sendmail
# would (root, $g and $u filled in) and delivers, with Delivered-To naming
# the recipient; `-d user` alone still gets Delivered-To: user@host, and the
# copy fed back is refused as a loop (exit 77).
# Appending the lines at the end of the file (the old instructions) leaves
# Debian's sensible-mda as the local mailer: checked too, so the test shows
# why the placement matters.
TEST_NAME=sendmail_cf
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

DEBIAN_MC=/usr/share/sendmail/cf/debian/sendmail.mc
require_root
require_cmd m4
[ -r "$DEBIAN_MC" ] || skip "needs Debian's sendmail-cf ($DEBIAN_MC)"
find_mailroom
make_scratch
install_mailroom
make_user U mrsm
MD="$T/home/$U/Maildir"
CONTRIB="$repo/contrib/sendmail/mailroom.mc"

# Debian's file includes two files sendmail-base's postinst writes under
# /etc/mail/m4; empty ones stand in for them.
mc() {
  : >"$T/dialup.m4"
  : >"$T/provider.m4"
  sed -e "s|/etc/mail/m4/dialup.m4|$T/dialup.m4|" -e "s|/etc/mail/m4/provider.m4|$T/provider.m4|" \
    "$DEBIAN_MC" >"$T/sendmail.mc"
}

# --- the old way: appended after MAILER(local) ---------------------------------
mc
grep -v '^dnl' "$CONTRIB" >>"$T/sendmail.mc"
m4 "$T/sendmail.mc" >"$T/appended.cf" 2>"$T/appended.err"
if grep -q '^Mlocal.*P=/usr/local/bin/mailroom' "$T/appended.cf"; then
  fail "appended lines took effect: the contrib warning would be wrong"
else
  pass "appended after MAILER(local): ignored ($(grep -m1 'must occur' "$T/appended.err"))"
fi

# --- the instructions of contrib/sendmail/mailroom.mc ------------------------------
mc
instruction=$(sed -n 's/^dnl   \(sed -i .*\)$/\1/p' "$CONTRIB")
[ -n "$instruction" ] || die "no sed instruction in $CONTRIB"
instruction=${instruction//\/usr\/share\/doc\/mailroom\/contrib\/sendmail\/mailroom.mc/$CONTRIB}
instruction=${instruction//\/etc\/mail\/sendmail.mc/$T/sendmail.mc}
log "running: $instruction"
eval "$instruction" || die "the sed instruction failed"
m4 "$T/sendmail.mc" >"$T/sendmail.cf" 2>"$T/m4.err" || die "m4: $(cat "$T/m4.err")"
[ -s "$T/m4.err" ] && fail "m4 warns: $(cat "$T/m4.err")"
# The mailer definition: "Mlocal, P=..., F=...," then continuation lines.
mlocal=$(sed -n '/^Mlocal,/,/A=/p' "$T/sendmail.cf" | tr -s ' \t\n' ' ')
log "Mlocal: $mlocal"
grep -q 'P=/usr/local/bin/mailroom,' <<<"$mlocal" || fail "Mlocal does not run mailroom: $mlocal"
flags=$(sed -n 's/.* F=\([^,]*\),.*/\1/p' <<<"$mlocal")
[[ $flags == *S* ]] || fail "local mailer flags '$flags' lack S (run as root, so -d can drop to the user)"
[[ $flags == *f* ]] && fail "local mailer flags '$flags' keep f (Sendmail would add a second -f)"
argv=$(sed -n 's/.* A=\(.*\)$/\1/p' <<<"$mlocal" | sed 's/ *$//')
[ "$argv" = 'mailroom deliver -f $g -d $u' ] || fail "Mlocal A= is '$argv'"

# --- a delivery with that argument vector, as Sendmail runs it ---------------------
msg() {
  printf 'Return-Path: <sender@example.com>\nReceived: from client.example.com (client [192.0.2.1])\n\tby mx.example.net (8.17.1.9/8.17.1.9); Mon, 7 Dec 2026 01:00:00 +0000\n'
  printf 'From: sender@example.com\nTo: %s@example.net\nSubject: sendmail %s\n\nbody %s\n' "$U" "$1" "$1"
}
read -r -a words <<<"$argv"
words=("${words[@]//\$g/sender@example.com}")
words=("${words[@]//\$u/$U}")
msg sm1 | "$MAILROOM" "${words[@]:1}" "${HERMETIC[@]}" 2>"$T/err"
rc=$?
f=$(grep -rlF "body sm1" "$MD/new" 2>/dev/null | head -1)
if [ "$rc" -eq 0 ] && [ -n "$f" ]; then
  [ "$(stat -c %U "$f")" = "$U" ] || fail "delivered file owned by $(stat -c %U "$f"), not $U"
  grep -q "^Delivered-To: $U@" "$f" || fail "no Delivered-To: $U@... in $f"
  [ "$(grep -c '^Return-Path:' "$f")" -eq 1 ] || fail "Return-Path not exactly once in $f"
  pass "Mlocal's argv delivers as $U ($(grep '^Delivered-To:' "$f"))"
else
  fail "Mlocal's argv: exit $rc: $(cat "$T/err")"
fi

# --- -d alone: Delivered-To user@host, and the loop is caught ----------------------
msg sm2 | "$MAILROOM" deliver -d "$U" "${HERMETIC[@]}" 2>"$T/err"
rc=$?
f=$(grep -rlF "body sm2" "$MD/new" 2>/dev/null | head -1)
if [ "$rc" -eq 0 ] && [ -n "$f" ]; then
  want="$U@$(hostname)"
  got=$(sed -n 's/^Delivered-To: //p' "$f")
  [ "$got" = "$want" ] && pass "-d alone: Delivered-To: $got" || fail "-d alone: Delivered-To '$got', want $want"
  # Back through the MTA (a forward that points here): a new Received: on
  # top, our Delivered-To below it.
  { printf 'Received: from mx.example.net (mx [192.0.2.2])\n\tby mx.example.net; Mon, 7 Dec 2026 01:00:01 +0000\n'; cat "$f"; } |
    "$MAILROOM" deliver -d "$U" "${HERMETIC[@]}" 2>"$T/err"
  rc=$?
  [ "$rc" -eq 77 ] && pass "-d alone: the copy fed back is a loop (77)" ||
    fail "-d alone: looped copy exit $rc, want 77: $(cat "$T/err")"
else
  fail "-d alone: exit $rc: $(cat "$T/err")"
fi
[ "$(count_files "$MD/new")" -eq 2 ] || fail "$(count_files "$MD/new") files in $MD/new, want 2"
finish
