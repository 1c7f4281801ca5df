#!/usr/bin/env bash
# `mailroom deliver` as an MTA calls it (issue 2, "mailroom deliver"):
# the envelope from flags or from Postfix's environment, the mbox From_ line,
# Return-Path / Delivered-To, -p, -m folders (Maildir++, modified UTF-7, an
# empty -m, names that would leave the Maildir), system users as root with
# -d (privileges dropped: files owned by the user), the current user without
# -d, and virtual users from users.virtual_file (the domain in any case);
# gid 0 refused unless users.allow_gid_0; StrictModes: as root a users file
# or configuration another user could change is refused (75, with the fix).
TEST_NAME=deliver_basics
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd setpriv
find_mailroom
make_scratch
install_mailroom
make_user U mrdb
MD="$T/home/$U/Maildir"

n=0
# newmsg [HEADER-LINES]: a message with a fresh X-Test-Id in $T/m$n.eml; sets ID.
newmsg() {
  n=$((n + 1))
  ID="db$$x$n"
  {
    printf '%s' "${1:-}"
    printf 'From: a@example.com\nTo: %s@example.net\nSubject: basics %s\nX-Test-Id: %s\n\nbody %s\n' \
      "$U" "$n" "$ID" "$ID"
  } >"$T/m$n.eml"
  MSG="$T/m$n.eml"
}
# file_of DIR ID: the delivered file carrying ID under DIR/new (empty if none).
file_of() { grep -lsF "X-Test-Id: $2" "$1"/new/* "$1"/cur/* 2>/dev/null | head -1; }
header() { sed '/^$/q' "$1" | grep -i "^$2:" | head -1 | sed 's/^[^:]*: *//'; }

# check NAME RC DIR: exit 0 and the message in DIR; sets F to the file.
check() {
  local name=$1 rc=$2 dir=$3
  F=""
  if [ "$rc" -ne 0 ]; then
    fail "$name: exit $rc: $(head -c 200 "$T/err")"
    return 1
  fi
  F=$(file_of "$dir" "$ID")
  if [ -z "$F" ]; then
    fail "$name: not in $dir"
    return 1
  fi
  return 0
}

# -- flags as dovecot-lda's: -f, -a, -r -> Return-Path, Delivered-To
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d "$U" -f bob@example.org -a "$U+x@example.net" -r "$U@example.net" \
  <"$MSG" 2>"$T/err"
if check flags $? "$MD"; then
  [ "$(header "$F" Return-Path)" = "<bob@example.org>" ] ||
    fail "flags: Return-Path is '$(header "$F" Return-Path)', want <bob@example.org>"
  [ "$(header "$F" Delivered-To)" = "$U@example.net" ] ||
    fail "flags: Delivered-To is '$(header "$F" Delivered-To)', want $U@example.net"
  [ "$(stat -c %U:%G "$F")" = "$U:$U" ] || fail "flags: file owned by $(stat -c %U:%G "$F"), not $U"
  [ "$(stat -c %U "$MD" "$MD/new" "$MD/tmp" "$MD/cur" | sort -u)" = "$U" ] ||
    fail "flags: Maildir directories not all owned by $U (created as root?)"
  pass "flags: Return-Path, Delivered-To, owner $U"
fi

# -- Postfix's environment when flags are absent
newmsg
env SENDER=carol@example.org RECIPIENT="$U@example.net" ORIGINAL_RECIPIENT="$U@example.net" \
  "$MAILROOM" deliver "${HERMETIC[@]}" -d "$U" <"$MSG" 2>"$T/err"
if check env $? "$MD"; then
  [ "$(header "$F" Return-Path)" = "<carol@example.org>" ] ||
    fail "env: Return-Path is '$(header "$F" Return-Path)', want <carol@example.org> from \$SENDER"
  [ "$(header "$F" Delivered-To)" = "$U@example.net" ] ||
    fail "env: Delivered-To is '$(header "$F" Delivered-To)', want \$RECIPIENT"
  pass "env: SENDER and RECIPIENT used"
fi

# -- an mbox From_ line: stripped, and the sender when -f is absent
newmsg "From dave@example.org Sat Nov 28 12:00:00 2026
"
env -u SENDER "$MAILROOM" deliver "${HERMETIC[@]}" -d "$U" -r "$U@example.net" <"$MSG" 2>"$T/err"
if check from_line $? "$MD"; then
  head -1 "$F" | grep -q '^From ' && fail "from_line: the From_ line was stored"
  grep -q '^From dave@' "$F" && fail "from_line: the From_ line is still in the file"
  [ "$(header "$F" Return-Path)" = "<dave@example.org>" ] ||
    fail "from_line: Return-Path is '$(header "$F" Return-Path)', want the From_ line's sender"
  pass "from_line: stripped, sender taken from it"
fi

# -- -p FILE instead of stdin
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d "$U" -f a@example.com -p "$MSG" </dev/null 2>"$T/err"
check dash_p $? "$MD" && pass "-p: read from the file"

# -- folders: -m Junk, -m "Lists/Work", UTF-8, -m "" (ignored)
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d "$U" -f a@example.com -m Junk <"$MSG" 2>"$T/err"
if check folder $? "$MD/.Junk"; then
  [ -f "$MD/.Junk/maildirfolder" ] || fail "folder: .Junk has no maildirfolder file"
  grep -qx Junk "$MD/subscriptions" 2>/dev/null || fail "folder: Junk not in $MD/subscriptions"
  pass "-m Junk -> .Junk, maildirfolder, subscribed"
fi
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d "$U" -f a@example.com -m Lists/Work <"$MSG" 2>"$T/err"
check nested $? "$MD/.Lists.Work" && pass "-m Lists/Work -> .Lists.Work"
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d "$U" -f a@example.com -m "Ärger" <"$MSG" 2>"$T/err"
check utf7 $? "$MD/.&AMQ-rger" && pass "-m Ärger -> .&AMQ-rger (modified UTF-7)"
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d "$U" -f a@example.com -m "" <"$MSG" 2>"$T/err"
check empty_m $? "$MD" && pass "-m \"\" -> INBOX"

# -- folder names that would leave the Maildir: INBOX, never outside
for bad in "../escape" "a/../../b" "$(printf 'ctl\001x')"; do
  newmsg
  "$MAILROOM" deliver "${HERMETIC[@]}" -d "$U" -f a@example.com -m "$bad" <"$MSG" 2>"$T/err"
  check "bad-folder $(printf %q "$bad")" $? "$MD" && pass "-m $(printf %q "$bad") -> INBOX"
  outside=$(grep -rlsF "X-Test-Id: $ID" "$T/home" | grep -v "^$MD/" || true)
  [ -z "$outside" ] || fail "-m $(printf %q "$bad") wrote outside the Maildir: $outside"
done

# -- the current user, no -d, no root
newmsg
chmod 0644 "$MSG"
setpriv --reuid="$U" --regid="$U" --clear-groups env -i PATH=/usr/bin:/bin HOME="$T/home/$U" \
  "$MAILROOM" deliver "${HERMETIC[@]}" -f a@example.com <"$MSG" 2>"$T/err"
check current_user $? "$MD" && pass "no -d as $U: ~/Maildir"

# -- virtual users: uid, gid and Maildir from users.virtual_file
# As root the table must be root's alone up to / (not under /tmp): /run.
SAFE=$(mktemp -d /run/mailroom-basics.XXXXXX) || die "mktemp in /run"
cleanup_add "rm -rf '$SAFE'"
chmod 0755 "$SAFE"
make_user V mrdv
mkdir -p "$T/virt/vera" "$T/virt/vic"
chown -R "$V:$V" "$T/virt"
{
  echo "vera:$(id -u "$V"):$(id -g "$V"):$T/virt/vera/Maildir"
  echo "Vic@Example.ORG:$(id -u "$V"):$(id -g "$V"):$T/virt/vic/Maildir"
} >"$SAFE/virtual-users"
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d vera -f a@example.com -o "users.virtual_file=$SAFE/virtual-users" \
  <"$MSG" 2>"$T/err"
if check virtual $? "$T/virt/vera/Maildir"; then
  [ "$(stat -c %U "$F")" = "$V" ] || fail "virtual: file owned by $(stat -c %U "$F"), not $V"
  pass "virtual user vera -> $T/virt/vera/Maildir as $V"
fi

# The domain matches whatever its case (RFC 5321 §2.4); the local part as configured.
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d Vic@example.org -f a@example.com \
  -o "users.virtual_file=$SAFE/virtual-users" <"$MSG" 2>"$T/err"
check virtual-domain-case $? "$T/virt/vic/Maildir" && pass "virtual Vic@example.org matches Vic@Example.ORG"
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d vic@example.org -f a@example.com \
  -o "users.virtual_file=$SAFE/virtual-users" <"$MSG" 2>"$T/err"
rc=$?
[ "$rc" -eq 67 ] && pass "virtual vic@example.org (local part in another case): 67" ||
  fail "virtual local part case: exit $rc, want 67: $(cat "$T/err")"

# -- gid 0: refused (75) unless users.allow_gid_0 = true
mkdir -p "$T/virt/gz"
chown "$V:root" "$T/virt/gz"
echo "gz:$(id -u "$V"):0:$T/virt/gz/Maildir" >>"$SAFE/virtual-users"
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d gz -f a@example.com -o "users.virtual_file=$SAFE/virtual-users" \
  <"$MSG" 2>"$T/err"
rc=$?
if [ "$rc" -eq 75 ] && grep -q 'users.allow_gid_0' "$T/err" && [ ! -e "$T/virt/gz/Maildir" ]; then
  pass "gid 0: refused with 75, nothing written"
else
  fail "gid 0: exit $rc (want 75 naming users.allow_gid_0), Maildir: $(ls "$T/virt/gz"): $(cat "$T/err")"
fi
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d gz -f a@example.com -o "users.virtual_file=$SAFE/virtual-users" \
  -o users.allow_gid_0=true <"$MSG" 2>"$T/err"
if check gid0-allowed $? "$T/virt/gz/Maildir"; then
  [ "$(stat -c %g "$F")" = 0 ] && pass "gid 0 with users.allow_gid_0 = true: delivered, group root" ||
    fail "gid 0 allowed: file group $(stat -c %g "$F")"
fi

# -- StrictModes: as root, a table or configuration others can change is refused
cp "$SAFE/virtual-users" "$T/virtual-users"
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d vera -f a@example.com -o "users.virtual_file=$T/virtual-users" \
  <"$MSG" 2>"$T/err"
rc=$?
[ "$rc" -eq 75 ] && grep -q 'sticky' "$T/err" && pass "users file under /tmp: 75 ($(head -c 120 "$T/err"))" ||
  fail "users file under /tmp: exit $rc, want 75 naming the sticky /tmp: $(cat "$T/err")"
chown "$V" "$SAFE/virtual-users"
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -d vera -f a@example.com -o "users.virtual_file=$SAFE/virtual-users" \
  <"$MSG" 2>"$T/err"
rc=$?
[ "$rc" -eq 75 ] && grep -q "chown root $SAFE/virtual-users" "$T/err" && pass "users file owned by $V: 75" ||
  fail "users file owned by $V: exit $rc, want 75 with the fix: $(cat "$T/err")"
chown root "$SAFE/virtual-users"
printf '[deliver]\ndefault_folder = "INBOX"\n' >"$SAFE/mailroom.toml"
chmod 0666 "$SAFE/mailroom.toml"
newmsg
"$MAILROOM" deliver "${HERMETIC[@]}" -c "$SAFE/mailroom.toml" -d "$U" -f a@example.com <"$MSG" 2>"$T/err"
rc=$?
[ "$rc" -eq 75 ] && grep -q "chmod go-w $SAFE/mailroom.toml" "$T/err" && pass "world-writable config: 75" ||
  fail "world-writable config: exit $rc, want 75 with the fix: $(cat "$T/err")"
"$MAILROOM" config check -c "$SAFE/mailroom.toml" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" -ne 0 ] && grep -q "chmod go-w $SAFE/mailroom.toml" "$T/err" && pass "config check says it too" ||
  fail "config check of a world-writable config: exit $rc: $(cat "$T/err")"
chmod 0644 "$SAFE/mailroom.toml"
chmod 0775 "$SAFE"
"$MAILROOM" deliver "${HERMETIC[@]}" -c "$SAFE/mailroom.toml" -d "$U" -f a@example.com <"$MSG" 2>"$T/err"
rc=$?
[ "$rc" -eq 75 ] && grep -q "$SAFE is writable by its group" "$T/err" && pass "config in a group-writable dir: 75" ||
  fail "config in a group-writable dir: exit $rc, want 75: $(cat "$T/err")"
chmod 0755 "$SAFE"
"$MAILROOM" deliver "${HERMETIC[@]}" -c "$SAFE/mailroom.toml" -d "$U" -f a@example.com <"$MSG" 2>"$T/err"
check trusted-config $? "$MD" && pass "config root's alone: delivered"

finish
