# shellcheck shell=bash disable=SC2034
# Shared helpers for the integration tests (sourced, not run).
#
# Every test: makes its own scratch dir and users, registers how to undo each
# thing it makes (cleanup_add), and undoes them all on any exit through the
# EXIT trap, in reverse order. Exit codes follow ctest's conventions here:
# 0 pass, 1 fail, 77 skip (SKIP_RETURN_CODE 77 in CMakeLists.txt).

set -uo pipefail

readonly SKIP=77
# No test asks a DNS server outside this machine: mailroom's authentication
# stage (SPF/DKIM/DMARC) gets a closed loopback port, its lookups fail at once
# (temperror) and the delivery goes on, as it must when DNS is down.
HERMETIC=(-o auth.dns_server=127.0.0.1:9)
T=""
declare -a _cleanups=()
_failures=0

log() { printf '%s: %s\n' "${TEST_NAME:-test}" "$*" >&2; }
# Under scripts/test (MAILROOM_REQUIRE_ALL=1) everything is installed, so a
# test that cannot run is a broken install step: it fails instead.
skip() {
  if [ "${MAILROOM_REQUIRE_ALL:-0}" = 1 ]; then
    log "FATAL: cannot run and MAILROOM_REQUIRE_ALL=1 (scripts/test): $*"
    exit 1
  fi
  log "SKIP: $*"
  exit "$SKIP"
}
die() { log "FATAL: $*"; exit 1; }

# fail records a failed check and goes on, so one run shows every problem.
fail() { log "FAIL: $*"; _failures=$((_failures + 1)); }
pass() { log "ok: $*"; }

# cleanup_add CMD...: run CMD at exit (last added runs first).
cleanup_add() { _cleanups+=("$*"); }

_run_cleanups() {
  local rc=$? i
  trap - EXIT INT TERM
  for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
    eval "${_cleanups[$i]}" >/dev/null 2>&1 || true
  done
  exit "$rc"
}
trap _run_cleanups EXIT
trap 'exit 130' INT TERM

require_root() { [ "$(id -u)" -eq 0 ] || skip "needs root (creates users, drops privileges)"; }

require_cmd() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip "needs $c (scripts/setup test)"; done
}

# The binary under test: MAILROOM_BIN (set by ctest), else `mailroom` on PATH.
find_mailroom() {
  MAILROOM=${MAILROOM_BIN:-$(command -v mailroom || true)}
  if [ -z "$MAILROOM" ] || [ ! -x "$MAILROOM" ]; then die "set MAILROOM_BIN to the mailroom binary"; fi
}

# make_scratch: a fresh world-traversable scratch dir in $T (users must be able
# to reach their Maildirs and the binary through every parent directory).
make_scratch() {
  T=$(mktemp -d "${TMPDIR:-/tmp}/mailroom-${TEST_NAME:-it}.XXXXXX") || die "mktemp"
  chmod 0755 "$T"
  if [ -n "${MAILROOM_TEST_KEEP:-}" ]; then
    log "keeping $T (MAILROOM_TEST_KEEP)"
  else
    cleanup_add "rm -rf '$T'"
  fi
}

# retry N CMD...: runs CMD up to N times, 0.25 s apart, until it succeeds.
retry() {
  local n=$1 i
  shift
  for ((i = 1; i <= n; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  return 1
}

# recording_sendmail OWNER: $T/bin/sendmail-rec, a sieve.sendmail that
# writes its argv (one a line), "----", then the message it reads into
# $SENT/<n> (SENT=$T/sent, owned by OWNER, n counting from 0); it exits
# $SENDMAIL_EXIT (default 0).
recording_sendmail() {
  SENT="$T/sent"
  mkdir -p "$SENT" && chown "$1" "$SENT"
  cat >"$T/bin/sendmail-rec" <<EOF
#!/bin/sh
n=\$(ls "$SENT" | wc -l)
{ printf '%s\n' "\$@"; echo ----; cat; } >"$SENT/\$n"
exit \${SENDMAIL_EXIT:-0}
EOF
  chmod 0755 "$T/bin/sendmail-rec"
}

# make_user VAR PREFIX: creates a fresh user (own group, home $T/home/<name>,
# owned by it) and stores its name in VAR. Removed at exit. Not to be called
# in $(...): the cleanup must be registered in this shell.
make_user() {
  local name="${2}$$${RANDOM}"
  name=${name:0:31}
  mkdir -p "$T/home"
  chmod 0755 "$T/home"
  # Tests run in parallel (ctest -j): useradd fails while another holds the
  # passwd lock, so retry.
  retry 20 useradd -M -d "$T/home/$name" -s /bin/sh -U "$name" || die "useradd $name"
  cleanup_add "retry 20 userdel '$name'; groupdel '$name'"
  mkdir -p "$T/home/$name"
  chown "$name:$name" "$T/home/$name"
  chmod 0755 "$T/home/$name"
  printf -v "$1" '%s' "$name"
}

# install_mailroom: copies the binary into $T/bin so that any user can run it
# whatever the permissions of the build tree; sets MAILROOM to the copy.
install_mailroom() {
  mkdir -p "$T/bin"
  cp "$MAILROOM" "$T/bin/mailroom" || die "copy $MAILROOM"
  chmod 0755 "$T/bin" "$T/bin/mailroom"
  MAILROOM="$T/bin/mailroom"
}

# wait_for TIMEOUT_S CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  while ! "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# count_files DIR: regular files directly in DIR (0 if DIR is missing).
count_files() {
  [ -d "$1" ] || { echo 0; return; }
  find "$1" -mindepth 1 -maxdepth 1 -type f | wc -l
}

# A crash is exit >= 128 (signal) or sanitizer output on stderr.
is_crash() {
  local rc=$1 errfile=$2
  [ "$rc" -ge 128 ] && return 0
  grep -qE 'AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|LeakSanitizer' \
    "$errfile" 2>/dev/null
}

finish() {
  if [ "$_failures" -gt 0 ]; then
    log "$_failures check(s) failed"
    exit 1
  fi
  log "all checks passed"
  exit 0
}
