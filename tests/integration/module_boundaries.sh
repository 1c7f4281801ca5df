#!/usr/bin/env bash
# Module boundaries (DESIGN.md): a module's code includes the public headers
# (include/mailroom/...) and the private headers of its own src/<module>/,
# nothing else of src/. The build enforces it: each module's include path
# holds private/<module>/<module> -> src/<module> and no other module's
# folder (scripts/cmake/mailroom.cmake). This checks that mechanism with
# the compiler, and the tree for includes that name another module.
# Takes the build directory from MAILROOM_BUILD_DIR and the compiler from CXX.
TEST_NAME=module_boundaries
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
repo=$(cd "$here/../.." && pwd)
build=${MAILROOM_BUILD_DIR:-}
[ -d "$build/private/cli/cli" ] || die "set MAILROOM_BUILD_DIR to a built tree (no private/cli there)"
cxx=${CXX:-c++}
require_cmd "$cxx"
make_scratch

# compiles CODE MODULE: does CODE compile with MODULE's include path?
compiles() {
  printf '%s\n' "$1" >"$T/probe.cpp"
  "$cxx" -std=c++20 -fsyntax-only -I "$repo/include" -I "$build/private/$2" \
    -I /usr/include "$T/probe.cpp" >/dev/null 2>&1
}
compiles '#include "cli/commands.hpp"' cli && pass "cli sees its own private headers" ||
  fail "cli cannot include cli/commands.hpp"
compiles '#include "deliver/input.hpp"' cli && fail "cli can include deliver's private input.hpp" ||
  pass "cli cannot include deliver's private headers"
compiles '#include "maildir/file_io.hpp"' deliver &&
  fail "deliver can include maildir's private file_io.hpp" ||
  pass "deliver cannot include maildir's private headers"

# The tree: every quoted include of "<module>/..." in src/<m>/ names <m>.
bad=$(cd "$repo" && grep -rnoE '#include "[a-z_]+/' src | while IFS=: read -r file line inc; do
  own=${file#src/}
  own=${own%%/*}
  named=${inc#\#include \"}
  named=${named%/}
  [ "$named" = "$own" ] || [ "$named" = mailroom ] || echo "$file:$line: includes $named's private header"
done)
[ -z "$bad" ] && pass "no file in src/ includes another module's private header" ||
  fail "private headers of another module included:"$'\n'"$bad"
finish
