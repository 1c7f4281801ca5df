# shellcheck shell=bash
# A private Knot DNS server for a test (sourced after common.sh; ORACLES.md
# "A real DNS server for tests: Knot").
#
# start_knot DIR DOMAIN...: serves DIR/DOMAIN.zone for each DOMAIN on
# 127.0.0.1:$KNOT_PORT (UDP and TCP), stopped by its pid at exit. Needs the
# first DOMAIN's zone to have an SOA; waits until it answers.
start_knot() {
  local dir=$1 domain
  shift
  KNOT_PORT=$(/usr/bin/python3 -c '
import socket
for _ in range(50):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", u.getsockname()[1])); print(u.getsockname()[1]); break
    except OSError:
        pass
')
  [ -n "$KNOT_PORT" ] || die "no free port for knotd"
  mkdir -p "$dir/run" "$dir/db"
  {
    printf 'server:\n    rundir: "%s/run"\n    listen: 127.0.0.1@%s\n' "$dir" "$KNOT_PORT"
    printf '    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n'
    printf 'log:\n  - target: "%s/knot.log"\n    any: info\n' "$dir"
    printf 'database:\n    storage: "%s/db"\n' "$dir"
    printf 'template:\n  - id: default\n    storage: "%s"\n' "$dir"
    printf '    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: none\nzone:\n'
    for domain in "$@"; do printf '  - domain: "%s"\n    file: "%s.zone"\n' "$domain" "$domain"; done
  } >"$dir/knot.conf"
  knotd -c "$dir/knot.conf" >"$dir/knotd.out" 2>&1 &
  KNOT_PID=$!
  cleanup_add "kill $KNOT_PID; wait $KNOT_PID"
  _knot_answers() { kdig +short +timeout=1 +retry=0 @127.0.0.1 -p "$KNOT_PORT" SOA "$1" 2>/dev/null | grep -q .; }
  wait_for 10 _knot_answers "$1" || die "knotd does not serve $1: $(tail -5 "$dir/knot.log" "$dir/knotd.out")"
}
