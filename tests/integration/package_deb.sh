#!/usr/bin/env bash
# The Debian package, as a postmaster would use it (README "Install"):
# scripts/package-deb builds mailroom_*.deb; lintian finds no error;
# `apt-get install ./mailroom_*.deb` puts mailroom in /usr/bin with its man
# pages, example configuration and contrib/; a private Postfix delivers a
# message over SMTP through the mailbox_command line the installed
# mailroom-deliver(8) shows, to the packaged /usr/bin/mailroom; purge
# removes it all. Replaces nothing: fails when a mailroom package or
# /usr/bin/mailroom is already there. Needs root, Postfix and
# scripts/deps/test-package.txt. MAILROOM_BUILD_DIR: the CMake build tree;
# the package builds in its package-deb/ (a fixed path, so ccache hits the
# next time when CMAKE_CXX_COMPILER_LAUNCHER=ccache is set).
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
require_cmd dpkg-buildpackage dh fakeroot lintian apt-get postfix postconf git man
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
if dpkg-query -W -f='${Status}' mailroom 2>/dev/null | grep -q "ok installed"; then
  die "a mailroom package is installed already; this test would replace and purge it"
fi
[ ! -e /usr/bin/mailroom ] || die "/usr/bin/mailroom exists and is not from a package"
make_scratch
work=${MAILROOM_BUILD_DIR:+$MAILROOM_BUILD_DIR/package-deb}
work=${work:-$T/work}
cleanup_add "rm -rf '$work'"  # the copied tree and its objects; the path stays the same next time

# --- build ----------------------------------------------------------------------
started=$SECONDS
"$repo/scripts/package-deb" "$T/out" "$work" >"$T/build.log" 2>&1 ||
  die "scripts/package-deb failed: $(tail -20 "$T/build.log")"
debs=("$T"/out/mailroom_*.deb)
deb=${debs[0]}
[ -f "$deb" ] || die "no mailroom_*.deb in $T/out"
pass "built $(basename "$deb") in $((SECONDS - started)) s"

built_using=$(dpkg-deb -f "$deb" Built-Using)
for src in glibc gcc-12 openssl icu libidn2 libunistring libxcrypt lmdb hiredis re2 zlib; do
  grep -qE "(^|, )$src \\(= " <<<"$built_using" && pass "Built-Using names $src" ||
    fail "Built-Using does not name $src: $built_using"
done
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/mailroom ./usr/share/man/man1/mailroom.1.gz ./usr/share/man/man5/mailroom.toml.5.gz \
  ./usr/share/man/man8/mailroom-deliver.8.gz ./usr/share/doc/mailroom/mailroom.toml.example \
  ./usr/share/doc/mailroom/contrib/postfix/main.cf ./usr/share/doc/mailroom/copyright; do
  grep -qF " $f" <<<"$contents" && pass "package has ${f#.}" || fail "package lacks ${f#.}"
done
grep -q ' ./usr/share/doc/mailroom/contrib/debian' <<<"$contents" && fail "contrib/debian shipped as documentation"

# lintian: no error; what cannot be helped is overridden with the reason
# (contrib/debian/mailroom.lintian-overrides).
if lintian --fail-on error "$deb" >"$T/lintian.log" 2>&1; then
  pass "lintian: no errors ($(grep -c '^W:' "$T/lintian.log") warnings)"
else
  fail "lintian: $(grep -E '^[EW]:' "$T/lintian.log")"
fi

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
