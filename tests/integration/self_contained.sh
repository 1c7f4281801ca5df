#!/usr/bin/env bash
# Everything a test or build reads is in the repository: no tracked file may
# point at the team's shared folder beside the checkout (where the SPF and
# ARC suites used to be read from) or
# at another path above the checkout. Those suites now live in tests/data/.
TEST_NAME=self_contained
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
repo=$(cd "$here/../.." && pwd)
cd "$repo" || die "cd $repo"

# The files to look at: git's list when this is a checkout, else every file
# (the package build copies the tree without .git).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files)
else
  mapfile -t files < <(find . -path ./build -prune -o -type f -print)
fi
[ "${#files[@]}" -gt 0 ] || die "no files found in $repo"
# The folder's name is put together here, so that this file, which must
# name it, is not itself a hit for the checks that look for it.
folder=sha
folder+=red
outside="\\.\\./$folder\\b|/work/$folder"
# This script names the pattern it looks for; skip itself.
hits=$(printf '%s\0' "${files[@]}" | grep -zv 'self_contained.sh$' |
  xargs -0 grep -nE "$outside" 2>/dev/null)
if [ -n "$hits" ]; then
  fail "files refer to data outside the repository:"$'\n'"$hits"
else
  pass "no file refers to the shared folder outside the checkout (${#files[@]} files)"
fi
for f in tests/data/spf/rfc7208-tests.yml tests/data/spf/LICENSE tests/data/arc/LICENSE \
  tests/data/arc/arc-draft-validation-tests.yml; do
  [ -s "$f" ] && pass "$f present" || fail "$f missing"
done
finish
