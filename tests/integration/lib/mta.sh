# shellcheck shell=bash
# Helpers of the MTA end-to-end tests (postfix_e2e, exim_e2e, opensmtpd_e2e);
# sourced after common.sh.

# free_tcp_port: a TCP port of 127.0.0.1 nobody listens on now.
free_tcp_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# port_open PORT: something accepts connections on 127.0.0.1:PORT.
port_open() { /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null; }

# write_message FILE TO TOKEN: a small message to TO carrying TOKEN.
write_message() {
  printf 'From: Sender <sender@example.com>\nTo: <%s>\nSubject: test %s\nDate: %s\nMessage-ID: <%s@example.com>\n\nBody of the message, token %s.\n' \
    "$2" "$3" "$(date -R)" "$3" "$3" >"$1"
}

# copies MAILDIR TOKEN: how many delivered files carry TOKEN.
copies() { grep -rlF "$2" "$1/new" "$1/cur" 2>/dev/null | wc -l; }
# header_count FILE NAME: fields NAME (any case) in the header of FILE.
header_count() { sed '/^\r\{0,1\}$/q' "$1" | grep -ci "^$2:"; }

# check_delivery MAILDIR TOKEN OWNER: exactly one copy, owned by OWNER, no
# mbox From_ line, Return-Path and Delivered-To exactly once.
check_delivery() {
  local md=$1 tok=$2 owner=$3 c f
  c=$(copies "$md" "$tok")
  [ "$c" -eq 1 ] || { fail "$tok: $c copies in $md (want 1)"; return; }
  f=$(grep -rlF "$tok" "$md/new" "$md/cur")
  [ "$(stat -c %U "$f")" = "$owner" ] || fail "$f is owned by $(stat -c %U "$f"), not $owner"
  head -c 5 "$f" | grep -q '^From ' && fail "$f starts with an mbox From_ line"
  [ "$(header_count "$f" Return-Path)" -eq 1 ] || fail "$f: Return-Path not exactly once"
  [ "$(header_count "$f" Delivered-To)" -eq 1 ] || fail "$f: Delivered-To not exactly once"
  pass "$tok delivered once into $md ($(basename "$f"), $(sed '/^$/q' "$f" | grep -i -m1 '^Delivered-To:'))"
}
