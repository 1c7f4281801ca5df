#!/usr/bin/env bash
# `cmake --install` gives a tree a postmaster can use: it succeeds; man finds
# the pages in man1/man5/man8; every path the pages name is the installed
# one (P/bin/mailroom for --prefix P, /usr/bin/mailroom for the package's
# /usr); the example configuration has exactly the keys and defaults of
# `mailroom config check`; contrib/ is under share/doc/mailroom/contrib.
# Takes the build directory from MAILROOM_BUILD_DIR (set by ctest).
TEST_NAME=install
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
repo=$(cd "$here/../.." && pwd)
require_cmd cmake man
build=${MAILROOM_BUILD_DIR:-}
[ -n "$build" ] && [ -f "$build/CMakeCache.txt" ] || die "set MAILROOM_BUILD_DIR to a configured, built tree"
make_scratch
prefix="$T/x"

# 1. --prefix: succeeds, nothing left outside the prefix.
if cmake --install "$build" --prefix "$prefix" >"$T/install.log" 2>&1; then
  pass "cmake --install --prefix $prefix"
else
  fail "cmake --install --prefix failed: $(tail -3 "$T/install.log")"
fi
bin="$prefix/bin/mailroom"
doc="$prefix/share/doc/mailroom"
[ -x "$bin" ] && "$bin" --version >/dev/null && pass "bin/mailroom runs" || fail "no runnable $bin"

# 2. man(1) finds each page in its section directory, and renders it.
# Every page of man/, so a new one cannot be left out of the install.
pages=()
for source in "$repo"/man/*.[0-9]; do pages+=("${source##*/}"); done
[ "${#pages[@]}" -ge 4 ] || fail "only ${#pages[@]} pages in $repo/man"
for page in "${pages[@]}"; do
  name=${page%.*} section=${page##*.}
  found=$(man -M "$prefix/share/man" -w "$name" 2>/dev/null)
  if [ "$found" = "$prefix/share/man/man$section/$page" ]; then
    pass "man -M finds $name($section)"
  else
    fail "man -M $prefix/share/man -w $name gave '$found'"
  fi
done
MANPAGER=cat MANWIDTH=80 man -M "$prefix/share/man" mailroom-deliver 2>/dev/null |
  grep -qF "mailbox_command = $bin deliver" &&
  pass "mailroom-deliver(8) renders with mailbox_command = $bin" ||
  fail "mailroom-deliver(8) does not show mailbox_command = $bin"

# 3. Every path under the prefix that a page names exists; no placeholder left;
#    apart from the placeholders, each page is its source.
for f in "$prefix"/share/man/man*/*; do
  grep -q '@CMAKE_' "$f" && fail "$f keeps a @CMAKE_...@ placeholder"
  sed -e "s|$prefix/bin|@CMAKE_INSTALL_FULL_BINDIR@|g" \
      -e "s|$prefix/share/doc/mailroom|@CMAKE_INSTALL_FULL_DOCDIR@|g" \
      -e "s|$prefix/libexec|@CMAKE_INSTALL_FULL_LIBEXECDIR@|g" "$f" |
    cmp -s - "$repo/man/$(basename "$f")" || fail "$f differs from man/$(basename "$f") beyond its paths"
  while read -r path; do
    path=$(sed -E 's/[).,;:"]+$//' <<<"$path")
    [ -e "$path" ] && pass "$(basename "$f") names $path, installed" ||
      fail "$(basename "$f") names $path, which is not installed"
  done < <(grep -oE "$prefix/[^ \\\"]+" "$f" | sort -u)
done
grep -q "$prefix/bin/mailroom" "$prefix/share/man/man8/mailroom-deliver.8" ||
  fail "mailroom-deliver(8) does not name $prefix/bin/mailroom"

# 4. The example configuration: every key `config --help` lists, each with
#    the default `config check` prints, all commented out.
example="$doc/mailroom.toml.example"
if [ -f "$example" ]; then
  # As root, `config check` refuses a file anyone but root could have put
  # there (StrictModes; /tmp is such a place), so the copies it reads are
  # in a directory under /run that only root can write.
  conf=$(mktemp -d /run/mailroom-install.XXXXXX) || die "mktemp /run"
  cleanup_add "rm -rf '$conf'"
  cp "$example" "$conf/example.toml"
  "$bin" config check -c /dev/null | tail -n +2 >"$T/defaults"
  "$bin" config check -c "$conf/example.toml" | tail -n +2 >"$T/as-shipped" ||
    fail "config check rejects $example"
  sed -E 's/^# ([a-z_0-9]+ = )/\1/' "$example" >"$conf/uncommented.toml"
  "$bin" config check -c "$conf/uncommented.toml" | tail -n +2 >"$T/uncommented" ||
    fail "config check rejects the example with every key uncommented"
  cmp -s "$T/defaults" "$T/as-shipped" && pass "the example as shipped sets nothing" ||
    fail "the example as shipped changes a setting"
  cmp -s "$T/defaults" "$T/uncommented" && pass "the example's values are the defaults" ||
    fail "the example's values differ from the defaults: $(diff "$T/defaults" "$T/uncommented" | head -5)"
  "$bin" config --help | awk '/^Keys:/ { k = 1; next } k && /^  [a-z_0-9]+\.[a-z_0-9]+ / { print $1 }' |
    sort >"$T/help-keys"
  awk '/^\[/ { s = substr($0, 2, length($0) - 2) } /^# [a-z_0-9]+ = / { print s "." $2 }' "$example" |
    sort >"$T/example-keys"
  [ -s "$T/help-keys" ] && cmp -s "$T/help-keys" "$T/example-keys" &&
    pass "the example has every key of config --help ($(wc -l <"$T/help-keys"))" ||
    fail "keys differ (config --help vs example): $(diff "$T/help-keys" "$T/example-keys" | head -5)"
else
  fail "no $example"
fi

# 5. contrib/ (less the packaging) under share/doc/mailroom/contrib.
while read -r f; do
  case $f in contrib/debian/*) continue ;; esac
  cmp -s "$repo/$f" "$doc/$f" || fail "$f is not installed as $doc/$f"
done < <(cd "$repo" && find contrib -type f)
[ -f "$doc/contrib/README.md" ] && pass "contrib under $doc/contrib"
[ ! -e "$doc/contrib/debian" ] && pass "contrib/debian not installed as documentation" ||
  fail "$doc/contrib/debian installed"

# 6. As a package builds it: prefix /usr under DESTDIR; the pages say /usr.
if DESTDIR="$T/dest" cmake --install "$build" --prefix /usr >"$T/destdir.log" 2>&1 &&
  [ -x "$T/dest/usr/bin/mailroom" ] && [ -f "$T/dest/usr/share/man/man8/mailroom-deliver.8" ]; then
  grep -q "mailbox_command = /usr/bin/mailroom deliver" "$T/dest/usr/share/man/man8/mailroom-deliver.8" &&
    grep -q "^\.I /usr/share/doc/mailroom/contrib" "$T/dest/usr/share/man/man8/mailroom-deliver.8" &&
    pass "DESTDIR + --prefix /usr: pages name /usr/bin/mailroom and /usr/share/doc/mailroom" ||
    fail "DESTDIR + --prefix /usr: pages do not name /usr paths"
else
  fail "DESTDIR=... cmake --install --prefix /usr: $(tail -3 "$T/destdir.log")"
fi
finish
