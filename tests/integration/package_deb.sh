#!/usr/bin/env bash
# The Debian package, as a postmaster would use it (README "Install"):
# package_deb_build.sh builds mailroom_*.deb and lints it (ctest runs it
# first, as this test's fixture); here `apt-get install ./mailroom_*.deb`
# puts mailroom in /usr/bin with its man
# pages, example configuration and contrib/; a private Postfix delivers a
# message over SMTP through the mailbox_command line the installed
# mailroom-deliver(8) shows, to the packaged /usr/bin/mailroom; purge
# removes it all. Replaces nothing: fails when a mailroom package or
# /usr/bin/mailroom is already there. Needs root, Postfix and
# scripts/deps/test-package.txt. MAILROOM_BUILD_DIR: the CMake build tree,
# whose package-deb.out/ holds the .deb; removed at the end.
TEST_NAME=package_deb
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/mta.sh
. "$here/lib/mta.sh"
# shellcheck source=lib/postfix.sh
. "$here/lib/postfix.sh"

require_root
require_cmd apt-get dpkg-deb postfix postconf man
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
if dpkg-query -W -f='${Status}' mailroom 2>/dev/null | grep -q "ok installed"; then
  die "a mailroom package is installed already; this test would replace and purge it"
fi
[ ! -e /usr/bin/mailroom ] || die "/usr/bin/mailroom exists and is not from a package"
make_scratch
out=${MAILROOM_BUILD_DIR:-$repo/build}/package-deb.out
debs=("$out"/mailroom_*.deb)
deb=${debs[0]}
[ -f "$deb" ] || die "no mailroom_*.deb in $out: package_deb_build.sh makes it (ctest runs it first)"
cleanup_add "rm -rf '$out'"
started=$SECONDS

# --- install --------------------------------------------------------------------
apt() { DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=300 "$@"; }
cleanup_add "DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=300 purge mailroom"
apt install "$deb" >"$T/apt.log" 2>&1 || die "apt-get install $deb: $(tail -5 "$T/apt.log")"
[ -x /usr/bin/mailroom ] && /usr/bin/mailroom --version >/dev/null && pass "installed /usr/bin/mailroom runs" ||
  fail "/usr/bin/mailroom missing or broken after install"
[ "$(man -w mailroom-deliver 2>/dev/null)" = /usr/share/man/man8/mailroom-deliver.8.gz ] &&
  pass "man finds mailroom-deliver(8)" || fail "man -w mailroom-deliver: $(man -w mailroom-deliver 2>&1)"
/usr/bin/mailroom config check -c /usr/share/doc/mailroom/mailroom.toml.example >/dev/null &&
  pass "the installed example configuration is valid" || fail "config check rejects the example"

# --- Postfix delivers to the packaged /usr/bin/mailroom ---------------------------
# The mailbox_command line exactly as the installed man page gives it, with
# a config that keeps DNS on this machine (HERMETIC in lib/common.sh).
line=$(zcat /usr/share/man/man8/mailroom-deliver.8.gz | sed -n 's/\\-/-/g; /^mailbox_command = /p' | head -1)
grep -q '^mailbox_command = /usr/bin/mailroom deliver ' <<<"$line" ||
  fail "mailroom-deliver(8) gives no /usr/bin/mailroom mailbox_command: '$line'"
printf '[auth]\ndns_server = "127.0.0.1:9"\n' >"$T/local.toml"
chmod 0644 "$T/local.toml"
make_user LU mrdeb
postfix_configure "$T/postfix"
echo "${line/ deliver / deliver -c $T/local.toml }" >>"$T/postfix/main.cf"
PORT=$(free_tcp_port)
postfix_run "$T/postfix" "$PORT"
TOKEN="tok$$"
write_message "$T/msg.eml" "$LU@example.net" "$TOKEN"
QID=$(/usr/bin/python3 "$here/lib/smtp_send.py" "$PORT" sender@example.com "$LU@example.net" "$T/msg.eml") ||
  die "SMTP refused the message"
if postfix_wait "$QID" "$LU@example.net" sent; then
  md="$T/home/$LU/Maildir"
  check_delivery "$md" "$TOKEN" "$LU"
  f=$(grep -rlF "$TOKEN" "$md/new" | head -1)
  grep -q '^Authentication-Results: ' "$f" || fail "no Authentication-Results: in $f"
  grep -q "$QID: to=<$LU@example.net>, relay=local" "$T/maillog" || fail "not delivered by local(8)"
fi

# --- purge ----------------------------------------------------------------------
apt purge mailroom >"$T/purge.log" 2>&1 || fail "apt-get purge mailroom: $(tail -5 "$T/purge.log")"
if dpkg-query -W -f='${Status}' mailroom 2>/dev/null | grep -q "ok installed"; then
  fail "mailroom still installed after purge"
fi
if [ ! -e /usr/bin/mailroom ] && [ ! -e /usr/share/doc/mailroom ] &&
  [ ! -e /usr/share/man/man8/mailroom-deliver.8.gz ]; then
  pass "purge removed /usr/bin/mailroom, its docs and man pages"
else
  fail "purge left files behind"
fi
log "run time $((SECONDS - started)) s"
finish
