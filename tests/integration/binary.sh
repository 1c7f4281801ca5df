#!/usr/bin/env bash
# What the linker made of `mailroom` (scripts/cmake/mailroom.cmake): the
# stack is not executable (one object without .note.GNU-stack, such as
# ICU's generated converter data, would make it so for the whole program),
# RELRO is on, and a MAILROOM_STATIC build needs no dynamic loader and no
# shared object at all (README, "Speed").
TEST_NAME=binary
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_cmd readelf
find_mailroom
headers=$(readelf -lW "$MAILROOM") || die "readelf -l $MAILROOM"
dynamic=$(readelf -dW "$MAILROOM")

stack=$(grep GNU_STACK <<<"$headers")
if [ -z "$stack" ] || grep -q 'RWE' <<<"$stack"; then
  fail "stack is executable or unmarked: ${stack:-no GNU_STACK header}"
else
  pass "stack not executable"
fi
if grep -q GNU_RELRO <<<"$headers"; then pass "RELRO"; else fail "no GNU_RELRO segment"; fi

if [ "${MAILROOM_STATIC:-}" = "ON" ]; then
  if grep -q INTERP <<<"$headers" || grep -q NEEDED <<<"$dynamic"; then
    fail "static build still loads shared objects: $(grep -E 'INTERP|NEEDED' <<<"$headers$dynamic")"
  else
    pass "static: no interpreter, no shared object"
  fi
fi

finish
