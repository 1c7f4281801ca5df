#!/usr/bin/env bash
# Concurrency (issue 2, "Proven by tests"): WRITERS processes each run
# `mailroom deliver` PER_WRITER times, one process per message as an MTA
# does, all into ONE Maildir at the same time, with maildir.fsync=true.
# Then: every delivery exited 0, there are exactly WRITERS x PER_WRITER files,
# each one byte for byte the message that was sent plus added header lines,
# no id twice, names well formed with a true S=, and nothing left in tmp/.
# Defaults 8 x 500 = 4,000; CONCURRENCY_WRITERS / CONCURRENCY_PER_WRITER
# override for a quick run.
TEST_NAME=concurrency
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

WRITERS=${CONCURRENCY_WRITERS:-8}
PER_WRITER=${CONCURRENCY_PER_WRITER:-500}
TOTAL=$((WRITERS * PER_WRITER))

require_root
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
find_mailroom
make_scratch
install_mailroom
make_user U mrcc
MD="$T/home/$U/Maildir"

prefixes=$(for ((w = 1; w <= WRITERS; w++)); do printf 'w%dn,' "$w"; done)
/usr/bin/python3 "$here/lib/gen_messages.py" "$T/msgs" "${prefixes%,}" "$PER_WRITER" || die "gen_messages"
chmod -R a+rX "$T/msgs"

# writer W: delivers its messages one process each, records failures.
writer() {
  local w=$1 n rc
  for ((n = 1; n <= PER_WRITER; n++)); do
    "$MAILROOM" deliver "${HERMETIC[@]}" -d "$U" -f sender@example.com -a "$U@example.net" \
      -o maildir.fsync=true <"$T/msgs/w${w}n$n.eml" 2>>"$T/stderr.$w"
    rc=$?
    [ "$rc" -eq 0 ] || echo "w${w}n$n exit $rc" >>"$T/failures"
  done
}

start=$(date +%s.%N)
pids=()
for ((w = 1; w <= WRITERS; w++)); do
  writer "$w" &
  pids+=($!)
  cleanup_add "kill ${pids[-1]}"
done
for p in "${pids[@]}"; do wait "$p"; done
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "$TOTAL deliveries by $WRITERS writers in ${elapsed}s ($(awk -v n="$TOTAL" -v t="$elapsed" 'BEGIN { printf "%.0f", n / t }')/s)"

if [ -s "$T/failures" ]; then
  fail "$(wc -l <"$T/failures") deliveries did not exit 0, e.g. $(head -3 "$T/failures" | tr '\n' ';')"
  log "stderr: $(cat "$T"/stderr.* | sort | uniq -c | sort -rn | head -5)"
fi
if /usr/bin/python3 "$here/lib/maildir_check.py" "$MD" --originals "$T/msgs" \
  --expect "$TOTAL" --tmp-empty >"$T/check.out" 2>&1; then
  pass "$(tail -1 "$T/check.out")"
else
  fail "Maildir check:"
  cat "$T/check.out" >&2
fi
[ "$(count_files "$MD/new")" -eq "$TOTAL" ] || fail "new/ has $(count_files "$MD/new") files, want $TOTAL"
bad=$(find "$MD" -type f ! -user "$U" | head -3)
[ -z "$bad" ] || fail "files not owned by $U: $bad"
finish
