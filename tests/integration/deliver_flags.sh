#!/usr/bin/env bash
# The command line of `mailroom deliver`, `config check` and `auth check`
# (issue 11, "Smaller things a new user trips on"): -k accepted, short flags
# combined, --long=value and --long value alike, --client-address reaching
# the Authentication-Results (smtp.remote-ip), the client from the topmost
# Received: by this host, the recipient's detail in the log line
# (EXTENSION, LOCAL_PART_SUFFIX, the address with deliver.detail_separator),
# `config check --help`, and a bad flag: exit 64 with a message naming the
# flag and what the command takes.
TEST_NAME=deliver_flags
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
find_mailroom
make_scratch
install_mailroom
make_user U mrfl
MD="$T/home/$U/Maildir"
LOGTO=(-o log.target=stderr)

n=0
newmsg() {
  n=$((n + 1))
  ID="fl$$x$n"
  { printf '%s' "${1:-}"; printf 'From: a@example.com\nTo: %s@example.net\nSubject: flags %s\n\nbody %s\n' "$U" "$ID" "$ID"; } >"$T/m$n.eml"
  MSG="$T/m$n.eml"
}
file_of() { grep -lsF "body $1" "$MD"/new/* 2>/dev/null | head -1; }
# header FILE NAME: the field's value, unfolded.
header() { sed '/^$/q' "$1" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g' | grep -i "^$2:" | head -1; }

# deliver NAME WANT_RC ARGS...: runs deliver on $MSG, keeps stderr in $T/err.
deliver() {
  local name=$1 want=$2 rc
  shift 2
  "$MAILROOM" deliver "$@" <"$MSG" >"$T/out" 2>"$T/err"
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, want $want: $(head -c 300 "$T/err")"
    return 1
  fi
  return 0
}

# -- -k (dovecot-lda) and combined short flags
newmsg
deliver "-k" 0 "${HERMETIC[@]}" -k -d "$U" && [ -n "$(file_of "$ID")" ] && pass "-k accepted"
newmsg
deliver "-ek" 0 "${HERMETIC[@]}" -ek -d"$U" && [ -n "$(file_of "$ID")" ] && pass "-ek -dUSER accepted"

# -- --client-address / --client-helo, with = and apart
for form in equals apart; do
  newmsg
  if [ "$form" = equals ]; then
    args=(--client-address=192.0.2.7 --client-helo=helo.example.org)
  else
    args=(--client-address 192.0.2.7 --client-helo helo.example.org)
  fi
  deliver "--client-address ($form)" 0 "${HERMETIC[@]}" -d "$U" "${args[@]}" || continue
  ar=$(header "$(file_of "$ID")" Authentication-Results)
  if grep -q "smtp.remote-ip=192.0.2.7" <<<"$ar"; then pass "--client-address ($form) reaches SPF/ARC"; else
    fail "--client-address ($form): $ar"
  fi
done

# -- no client from the MTA: the topmost Received: by this host gives it
newmsg "$(printf 'Received: from c.example.org (c [192.0.2.9])\n\tby %s (Postfix) with ESMTP id 1; Mon, 7 Dec 2026 00:00:00 +0000\nReceived: from x (x [203.0.113.5]) by %s; Mon, 7 Dec 2026\n' "$(hostname)" "$(hostname)")"
if deliver "Received by this host" 0 "${HERMETIC[@]}" -d "$U"; then
  ar=$(header "$(file_of "$ID")" Authentication-Results)
  grep -q "smtp.remote-ip=192.0.2.9" <<<"$ar" && pass "client from the topmost Received: by $(hostname)" ||
    fail "Received by this host: $ar"
fi
newmsg "$(printf 'Received: from c.example.org (c [192.0.2.9])\n\tby other.example.com; Mon, 7 Dec 2026 00:00:00 +0000\nReceived: from x (x [203.0.113.5]) by %s; Mon, 7 Dec 2026\n' "$(hostname)")"
if deliver "Received by another host" 0 "${HERMETIC[@]}" -d "$U"; then
  ar=$(header "$(file_of "$ID")" Authentication-Results)
  grep -q "smtp.remote-ip" <<<"$ar" && fail "a Received: below the topmost was believed: $ar" ||
    pass "no client from a Received: below the topmost"
fi

# -- the recipient's detail in the log line
newmsg
deliver "detail from -a" 0 "${HERMETIC[@]}" "${LOGTO[@]}" -d "$U" -a "$U+lists@example.net" &&
  { grep -q " detail=lists " "$T/err" && pass "-a $U+lists@ -> detail=lists" || fail "no detail=lists: $(cat "$T/err")"; }
newmsg
deliver "detail_separator" 0 "${HERMETIC[@]}" "${LOGTO[@]}" -o deliver.detail_separator=- -d "$U" -a "$U-news@example.net" &&
  { grep -q " detail=news " "$T/err" && pass "detail_separator=- -> detail=news" || fail "no detail=news: $(cat "$T/err")"; }
newmsg
EXTENSION=work deliver "EXTENSION" 0 "${HERMETIC[@]}" "${LOGTO[@]}" -d "$U" &&
  { grep -q " detail=work " "$T/err" && pass "EXTENSION=work -> detail=work" || fail "no detail=work: $(cat "$T/err")"; }
newmsg
LOCAL_PART_SUFFIX=+box deliver "LOCAL_PART_SUFFIX" 0 "${HERMETIC[@]}" "${LOGTO[@]}" -d "$U" &&
  { grep -q " detail=box " "$T/err" && pass "LOCAL_PART_SUFFIX=+box -> detail=box" || fail "no detail=box: $(cat "$T/err")"; }

# -- bad command lines: 64, the flag named, the fix given
bad() {
  local name=$1 want_text=$2
  shift 2
  newmsg
  deliver "$name" 64 "$@" || return
  if grep -qF -- "$want_text" "$T/err" && grep -qF -- "mailroom deliver --help" "$T/err"; then
    pass "$name -> 64: $(head -c 90 "$T/err")..."
  else
    fail "$name: message does not name '$want_text' and the help: $(cat "$T/err")"
  fi
  [ -z "$(file_of "$ID")" ] || fail "$name: delivered anyway"
}
bad "unknown short flag" "unknown option '-x'" -d "$U" -x
bad "unknown long option" "unknown option '--client-ip'" -d "$U" --client-ip=192.0.2.1
bad "missing value" "-d needs a value (USER)" -d
bad "long option missing value" "--client-address needs a value" -d "$U" --client-address
bad "value on a flag without one" "--help takes no value" --help=yes
grep -qF -- "--client-address IP" "$T/err" || fail "the message does not list the options: $(cat "$T/err")"

# -- config check --help, auth check --ip=IP
"$MAILROOM" config check --help >"$T/out" 2>&1 && grep -q "deliver.detail_separator" "$T/out" &&
  pass "config check --help lists the keys" || fail "config check --help: $(head -3 "$T/out")"
newmsg
"$MAILROOM" auth check --ip=192.0.2.3 --dns=127.0.0.1:9 --from=a@example.com "$MSG" >"$T/out" 2>&1 &&
  grep -q "smtp.remote-ip=192.0.2.3" "$T/out" && pass "auth check --ip=IP --dns=HOST:PORT" ||
  fail "auth check --ip=: $(head -5 "$T/out")"
finish
