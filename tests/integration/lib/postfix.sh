# shellcheck shell=bash disable=SC2034
# A private Postfix instance for the integration tests (sourced after
# common.sh, make_scratch done). ORACLES.md, "Postfix end to end (verified)":
# its own config dir, queue and log under $T, smtpd on 127.0.0.1:<free port>,
# no chroot, no DNS, stopped (and its master killed) at exit.
#   postfix_start MAIN_CF_LINES   sets PF_ETC, PF_PORT, PF_LOG
#   postfix_send TO               sends a message with a fresh TOKEN; sets QID
#   postfix_wait QID TO STATUS    waits until the log shows status=STATUS

postfix_start() {
  [ -n "$T" ] || die "postfix_start: make_scratch first"
  PF_ETC="$T/postfix-etc"
  PF_LOG="$T/maillog"
  PF_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$PF_ETC" "$T/spool" "$T/data"
  cp /etc/postfix/master.cf "$PF_ETC/master.cf"
  cat >"$PF_ETC/main.cf" <<EOF
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
maillog_file = $PF_LOG
maillog_file_prefixes = /var, /dev/stdout, $T
alias_maps =
alias_database =
local_recipient_maps = proxy:unix:passwd.byname
biff = no
$1
EOF
  postconf -c "$PF_ETC" -F '*/*/chroot = n' >/dev/null
  postconf -c "$PF_ETC" -MX smtp/inet
  postconf -c "$PF_ETC" -M "127.0.0.1:$PF_PORT/inet = 127.0.0.1:$PF_PORT inet n - n - - smtpd"
  cleanup_add "postfix -c '$PF_ETC' stop; p=\$(head -1 '$T/spool/pid/master.pid' 2>/dev/null | tr -d ' '); [ -n \"\$p\" ] && kill -9 \$p"
  postfix -c "$PF_ETC" set-permissions >"$T/setperm.log" 2>&1 ||
    die "postfix set-permissions: $(tail -5 "$T/setperm.log")"
  postfix -c "$PF_ETC" check || die "postfix check: $(tail -5 "$PF_LOG" 2>/dev/null)"
  postfix -c "$PF_ETC" start >/dev/null 2>&1 || die "postfix start: $(tail -5 "$PF_LOG" 2>/dev/null)"
  wait_for 15 _postfix_port_open || die "Postfix does not listen on 127.0.0.1:$PF_PORT"
  log "Postfix up on 127.0.0.1:$PF_PORT"
}

_postfix_port_open() {
  /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1',$PF_PORT),1)" 2>/dev/null
}

_pf_sent=0
postfix_send() {
  local to=$1
  _pf_sent=$((_pf_sent + 1))
  TOKEN="tok$$x${_pf_sent}"
  cat >"$T/msg${_pf_sent}.eml" <<EOF
From: Sender <sender@example.com>
To: <$to>
Subject: test ${_pf_sent} $TOKEN
Date: $(date -R)
Message-ID: <$TOKEN@example.com>

Body of message ${_pf_sent}, token $TOKEN.
EOF
  QID=$(/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/smtp_send.py" "$PF_PORT" \
    sender@example.com "$to" "$T/msg${_pf_sent}.eml") || die "SMTP refused the message to $to"
}

_postfix_logged() { grep -F "$1: to=<$2>" "$PF_LOG" 2>/dev/null | grep -q "status=$3"; }
postfix_wait() {
  wait_for 20 _postfix_logged "$1" "$2" "$3" && return 0
  fail "no status=$3 for $1 to <$2>; last log lines:"
  tail -5 "$PF_LOG" >&2
  return 1
}
