#!/usr/bin/env bash
# The Debian package, built (the first half of package_deb.sh, which
# installs it): scripts/package-deb builds mailroom_*.deb, Built-Using names
# every static library's source, the files are in it, lintian finds no
# error. Leaves the .deb in $MAILROOM_BUILD_DIR/package-deb.out/ for
# package_deb.sh (ctest: the FIXTURES_SETUP of integration.package_deb),
# which removes it. Touches nothing outside the build tree, so it runs
# beside other tests: the compile no longer holds the whole machine while
# the tests wait (it was the serial package_deb's 120 s). Needs
# scripts/deps/test-package.txt. The package builds in package-deb/ (a fixed
# path, so ccache hits the next time when CMAKE_CXX_COMPILER_LAUNCHER=ccache
# is set; under scripts/test it hits the first time: scripts/test says how).
TEST_NAME=package_deb_build
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_cmd dpkg-buildpackage dh fakeroot lintian git
make_scratch
build_dir=${MAILROOM_BUILD_DIR:-$repo/build}
work=$build_dir/package-deb
out=$build_dir/package-deb.out
cleanup_add "rm -rf '$work'"  # the copied tree and its objects; the path stays the same next time
rm -rf "$out"  # never a .deb of an earlier run

# --- build ----------------------------------------------------------------------
started=$SECONDS
"$repo/scripts/package-deb" "$out" "$work" >"$T/build.log" 2>&1 ||
  die "scripts/package-deb failed: $(tail -20 "$T/build.log")"
debs=("$out"/mailroom_*.deb)
deb=${debs[0]}
[ -f "$deb" ] || die "no mailroom_*.deb in $out"
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

finish
