#!/usr/bin/env bash
# System users that only an NSS service other than files knows (LDAP, SSSD
# in real life; libnss-extrausers here, a real module with no server). The
# static mailroom loads no NSS module: it reads /etc/passwd when
# nsswitch.conf names files first and asks getent(1) otherwise (README,
# "Speed"); a dynamic build (MAILROOM_STATIC=OFF) asks glibc's getpwnam_r,
# which loads the module itself. Either way, with "passwd: files
# extrausers", a user only extrausers has is
# delivered to, as that user; one nobody has is 67; a files user is still
# found. The test changes /etc/nsswitch.conf and puts it back.
TEST_NAME=nss_users
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd getent
find_mailroom
[ -e /usr/lib/libnss_extrausers.so.2 ] || [ -e /usr/lib/x86_64-linux-gnu/libnss_extrausers.so.2 ] ||
  skip "needs libnss-extrausers (scripts/setup test)"
if [ ! -f /etc/nsswitch.conf ] || [ -L /etc/nsswitch.conf ]; then
  skip "/etc/nsswitch.conf is not a plain file"
fi
make_scratch
install_mailroom
make_user FILES_USER mrnf

# A uid and gid nobody has, and a name nobody has.
uid=48213
while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do uid=$((uid + 1)); done
EXTRA="mrnx$$"
HOME_X="$T/home/$EXTRA"
mkdir -p "$HOME_X"
chown "$uid:$uid" "$HOME_X"

cp -p /etc/nsswitch.conf "$T/nsswitch.conf.orig"
cleanup_add "cp -p '$T/nsswitch.conf.orig' /etc/nsswitch.conf"
mkdir -p /var/lib/extrausers
if [ -e /var/lib/extrausers/passwd ]; then
  cp -p /var/lib/extrausers/passwd "$T/extrausers.orig"
  cleanup_add "cp -p '$T/extrausers.orig' /var/lib/extrausers/passwd"
else
  cleanup_add "rm -f /var/lib/extrausers/passwd"
fi
printf '%s:x:%s:%s::%s:/bin/sh\n' "$EXTRA" "$uid" "$uid" "$HOME_X" >>/var/lib/extrausers/passwd
sed -i 's/^passwd:.*/passwd:         files extrausers/' /etc/nsswitch.conf
getent passwd "$EXTRA" >/dev/null || die "getent does not see $EXTRA through extrausers"
grep -q "^$EXTRA:" /etc/passwd && die "$EXTRA is in /etc/passwd"

printf 'From: a@example.com\nTo: x@example.net\nSubject: nss\n\nbody\n' >"$T/m.eml"
deliver() { "$MAILROOM" deliver "${HERMETIC[@]}" -d "$1" <"$T/m.eml" 2>"$T/err"; }

# A user only the extrausers module knows: delivered, as that user.
deliver "$EXTRA"
rc=$?
f=$(find "$HOME_X/Maildir/new" -type f 2>/dev/null | head -1)
if [ "$rc" -eq 0 ] && [ -n "$f" ] && [ "$(stat -c %u "$f")" = "$uid" ]; then
  pass "user known only to extrausers: delivered, file owned by uid $uid"
else
  fail "extrausers user: exit $rc, file '${f}': $(cat "$T/err")"
fi

# A user in /etc/passwd: still found there.
deliver "$FILES_USER"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(count_files "$T/home/$FILES_USER/Maildir/new")" -eq 1 ]; then
  pass "files user: delivered"
else
  fail "files user: exit $rc: $(cat "$T/err")"
fi

# A user no service knows: 67, and nothing written anywhere.
deliver "mrnone$$"
rc=$?
if [ "$rc" -eq 67 ]; then
  pass "unknown everywhere: 67"
else
  fail "unknown user: exit $rc: $(cat "$T/err")"
fi

# extrausers first: getent answers even for a user files also has.
sed -i 's/^passwd:.*/passwd:         extrausers files/' /etc/nsswitch.conf
deliver "$EXTRA"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(count_files "$HOME_X/Maildir/new")" -eq 2 ]; then
  pass "extrausers first: delivered"
else
  fail "extrausers first: exit $rc: $(cat "$T/err")"
fi

finish
