# shellcheck shell=bash disable=SC2034
# A private Postfix instance (sourced after common.sh and mta.sh, with
# make_scratch done), as ORACLES.md "Postfix end to end (verified)" says:
# its own config dir, queue and log under $T, smtpd on a loopback port, no
# chroot, no DNS; stopped (its master killed) at exit.
#   postfix_configure DIR        DIR/main.cf (the base settings) and DIR/master.cf
#                                (Debian's); append the route's own lines after it
#   postfix_run DIR PORT         smtpd on 127.0.0.1:PORT; starts and waits for it
#   postfix_wait QID TO STATUS   waits until $T/maillog shows status=STATUS

postfix_configure() {
  [ -n "$T" ] || die "postfix_configure: make_scratch first"
  mkdir -p "$1" "$T/spool" "$T/data"
  cp /etc/postfix/master.cf "$1/master.cf"
  cat >"$1/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $T/spool
data_directory = $T/data
myhostname = mx.example.net
mydomain = example.net
mydestination = example.net, localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_host_lookup = native
disable_dns_lookups = yes
maillog_file = $T/maillog
maillog_file_prefixes = /var, /dev/stdout, $T
alias_maps =
alias_database =
local_recipient_maps = proxy:unix:passwd.byname
biff = no
EOF
}

postfix_run() {
  local dir=$1 port=$2
  postconf -c "$dir" -F '*/*/chroot = n' >/dev/null
  postconf -c "$dir" -MX smtp/inet
  postconf -c "$dir" -M "127.0.0.1:$port/inet = 127.0.0.1:$port inet n - n - - smtpd"
  cleanup_add "postfix -c '$dir' stop; p=\$(head -1 '$T/spool/pid/master.pid' 2>/dev/null | tr -d ' '); [ -n \"\$p\" ] && kill -9 \$p"
  postfix -c "$dir" set-permissions >"$T/setperm.log" 2>&1 ||
    die "postfix set-permissions: $(tail -5 "$T/setperm.log")"
  postfix -c "$dir" check || die "postfix check: $(tail -5 "$T/maillog" 2>/dev/null)"
  postfix -c "$dir" start >/dev/null 2>&1 || die "postfix start: $(tail -5 "$T/maillog" 2>/dev/null)"
  wait_for 15 port_open "$port" || die "Postfix does not listen on 127.0.0.1:$port"
  log "Postfix up on 127.0.0.1:$port, scratch $T"
}

_postfix_logged() { grep -F "$1: to=<$2>" "$T/maillog" 2>/dev/null | grep -q "status=$3"; }
postfix_wait() {
  wait_for 20 _postfix_logged "$1" "$2" "$3" && return 0
  fail "no status=$3 for $1 to <$2>; last log lines:"
  tail -5 "$T/maillog" >&2
  return 1
}
