# shellcheck shell=bash
# A private Exim instance for the Exim tests (exim_e2e, exim_lmtp); sourced
# after common.sh and mta.sh, with make_scratch done. Debian's
# exim4-daemon-light, installed or unpacked by `scripts/setup test` (it
# conflicts with postfix as a package).
#   exim_find                  sets EXIM; makes Debian-exim when missing
#   exim_configure DIR PORT ROUTER TRANSPORT
#                              DIR/exim.conf: spool and logs under $T, a daemon
#                              on 127.0.0.1:PORT that only queues, local domain
#                              example.net, the given router and transport files
#   exim_start DIR PORT        starts the daemon (killed by pid at exit)

exim_find() {
  EXIM=/usr/sbin/exim4
  [ -x "$EXIM" ] || EXIM="${MAILROOM_EXTRACT_DIR:-/opt/mailroom-test}/exim4-daemon-light/usr/sbin/exim4"
  [ -x "$EXIM" ] || skip "needs Debian's exim4-daemon-light (scripts/setup test unpacks it)"
  # Debian's exim4 is built with EXIM_USER=Debian-exim and looks it up
  # before reading any configuration; the package makes it, an unpacked
  # copy needs it.
  if ! getent passwd Debian-exim >/dev/null; then
    retry 20 useradd -r -M -d /nonexistent -s /usr/sbin/nologin -U Debian-exim || die "useradd Debian-exim"
    cleanup_add "retry 20 userdel Debian-exim; groupdel Debian-exim"
  fi
}

exim_configure() {
  local dir=$1 port=$2 router=$3 transport=$4
  mkdir -p "$dir" "$T/spool" "$T/log"
  chown Debian-exim:Debian-exim "$T/spool" "$T/log"
  cat >"$dir/exim.conf" <<EOF
exim_path = $EXIM
spool_directory = $T/spool
log_file_path = $T/log/%slog
pid_file_path = $T/exim.pid
primary_hostname = $(hostname)
qualify_domain = example.net
domainlist local_domains = example.net
daemon_smtp_ports = $port
local_interfaces = 127.0.0.1
host_lookup =
rfc1413_hosts =
keep_environment =
acl_smtp_rcpt = acl_check_rcpt
queue_only = true

begin acl
acl_check_rcpt:
  accept domains = +local_domains
  deny message = relaying not permitted

begin routers
.include $router

begin transports
.include $transport

begin retry
*  *  F,1h,15m
EOF
  chmod 0644 "$dir"/*
  "$EXIM" -C "$dir/exim.conf" -bV >"$T/bV.out" 2>&1 || die "exim -bV: $(tail -5 "$T/bV.out")"
}

exim_start() {
  local dir=$1 port=$2
  cleanup_add "p=\$(cat '$T/exim.pid' 2>/dev/null); [ -n \"\$p\" ] && kill \$p"
  "$EXIM" -C "$dir/exim.conf" -bd >"$T/bd.out" 2>&1 ||
    die "exim -bd: $(cat "$T/bd.out" "$T/log/paniclog" 2>/dev/null)"
  wait_for 15 port_open "$port" ||
    die "Exim does not listen on 127.0.0.1:$port: $(cat "$T/log/paniclog" 2>/dev/null)"
  log "Exim up on 127.0.0.1:$port (pid $(cat "$T/exim.pid")), scratch $T"
}
