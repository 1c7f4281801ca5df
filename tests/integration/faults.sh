#!/usr/bin/env bash
# Faults and hostile input (issue 2, "Proven by tests"). Each case checks the
# exit code the MTA sees AND what is in the Maildir afterwards:
#   kill -9 at random points during 200 deliveries: never a partial or
#     duplicate file in new/, never exit 0 without a file;
#   ENOSPC on a tiny tmpfs: 75, nothing new in new/, nothing left in tmp/;
#   an unwritable Maildir (and an uncreatable one): 75 with a hint on stderr;
#   unknown system or virtual user: 67; bad command lines: 64;
#   a control character in an envelope address (header injection): 64;
#   the RFC 3463 code that starts the reason (5.1.1, 5.3.4, 5.4.6, 4.2.2...);
#   an empty input, or only a From_ line: 65, nothing stored;
#   no header/body separator, NUL bytes, a 1 MB header line,
#     100,000 header fields, random binary, CRLF: 0, 75 or 77 (0 means the
#     bytes are stored as sent), never a crash (signal or sanitizer report);
#   over deliver.max_message_size: 77; Delivered-To loop: 77;
#   over a Maildir++ quota: 75, or 77 with deliver.quota_exceeded = "bounce";
#   deliver.deadline=1s with a stdin that never ends: 75 in about 1 s, and
#     with a FIFO as the configuration file;
#   stderr closed by the MTA: still 67, 77, or 0 with log.target = stderr;
#   a setuid or setgid copy of mailroom: 75, nothing written.
TEST_NAME=faults
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

KILLS=${FAULTS_KILLS:-200}

require_root
require_cmd mount umount timeout mkfifo
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
find_mailroom
make_scratch
install_mailroom
make_user U mrft
MD="$T/home/$U/Maildir"
SENDER=sender@example.com

# run NAME INPUT ARGS...: mailroom ARGS <INPUT; sets RC, DELTA (new files in
# $MD/new) and NEWFILE (the newest one); fails on a crash or a hang (30 s).
run() {
  local name=$1 input=$2
  shift 2
  ls "$MD/new" 2>/dev/null | sort >"$T/before"
  timeout -s KILL 30 "$MAILROOM" "$@" <"$input" >"$T/out.$name" 2>"$T/err.$name"
  RC=$?
  NEWFILE=$(ls "$MD/new" 2>/dev/null | sort | comm -13 "$T/before" - | head -1)
  DELTA=$(($(count_files "$MD/new") - $(wc -l <"$T/before")))
  if is_crash "$RC" "$T/err.$name"; then
    fail "$name: CRASH or hang, exit $RC: $(head -c 400 "$T/err.$name")"
  fi
}
deliver() { run "$1" "$2" deliver "${HERMETIC[@]}" -d "$U" -f "$SENDER" -a "$U@example.net" "${@:3}"; }
errtext() { head -c 300 "$T/err.$1" | tr '\n' ' '; }

# expect NAME WANT_RC: exit code and Maildir effect agree with the contract.
expect() {
  local name=$1 want=$2
  if [ "$RC" -ne "$want" ]; then
    fail "$name: exit $RC, want $want; stderr: $(errtext "$name")"
  elif [ "$want" -eq 0 ] && [ "$DELTA" -ne 1 ]; then
    fail "$name: exit 0 but $DELTA new files"
  elif [ "$want" -ne 0 ] && [ "$DELTA" -ne 0 ]; then
    fail "$name: exit $want but $DELTA new file(s) in new/"
  elif [ "$want" -ne 0 ] && [ ! -s "$T/err.$name" ]; then
    fail "$name: exit $want without a reason on stderr"
  else
    pass "$name: exit $RC $(errtext "$name" | head -c 100)"
  fi
}

msg() { printf 'From: a@example.com\nTo: b@example.net\nSubject: %s\nX-Test-Id: %s\n\nbody %s\n' "$1" "$1" "$1"; }

# --- warm-up: a plain delivery works, so later failures mean something ------
msg plain >"$T/plain.eml"
deliver plain "$T/plain.eml"
expect plain 0
[ "$RC" -eq 0 ] || die "a plain delivery fails; the other cases would prove nothing"
[ "$(stat -c %U "$MD/new/$NEWFILE")" = "$U" ] || fail "delivered file not owned by $U"

# --- command line: 64 -------------------------------------------------------------
run usage-unknown-flag "$T/plain.eml" deliver -Z
expect usage-unknown-flag 64
run usage-missing-arg "$T/plain.eml" deliver -d
expect usage-missing-arg 64
run usage-unknown-command "$T/plain.eml" frobnicate
expect usage-unknown-command 64

# --- header injection through the envelope: 64, nothing stored, log line intact -------
inject=$(printf 'x@example.com\r\nAuthentication-Results: %s; dkim=pass' "$(hostname)")
run inject-f "$T/plain.eml" deliver "${HERMETIC[@]}" -d "$U" -f "$inject" -o log.target=stderr
expect inject-f 64
grep -q 'control character' "$T/err.inject-f" || fail "inject-f: stderr does not say why: $(errtext inject-f)"
grep -q '^Authentication-Results' "$T/err.inject-f" && fail "inject-f: the forged field split a log line"
run inject-r "$T/plain.eml" deliver "${HERMETIC[@]}" -d "$U" -f "$SENDER" -r "$(printf 'u@x\nX-Evil: 1')"
expect inject-r 64
run inject-a "$T/plain.eml" deliver "${HERMETIC[@]}" -d "$U" -f "$SENDER" -a "$(printf 'u@x\001')"
expect inject-a 64
SENDER="$(printf 'x@y\r\nX-Evil: 1')" run inject-env-sender "$T/plain.eml" deliver "${HERMETIC[@]}" -d "$U"
expect inject-env-sender 64
RECIPIENT="$(printf 'u@x\rX-Evil: 1')" run inject-env-recipient "$T/plain.eml" deliver "${HERMETIC[@]}" -d "$U" -f "$SENDER"
expect inject-env-recipient 64
ORIGINAL_RECIPIENT="$(printf 'u@x\nX-Evil: 1')" run inject-env-original "$T/plain.eml" deliver "${HERMETIC[@]}" -d "$U" -f "$SENDER"
expect inject-env-original 64
grep -rl '^X-Evil' "$MD/new" >/dev/null 2>&1 && fail "inject: an injected header field was stored"

# --- RFC 3463 code at the start of the output (Postfix reads it from there) ---------
status_of() { head -c 6 "$T/err.$1"; }
grep -q -- '-r, \$RECIPIENT' "$T/err.inject-r" || fail "inject-r: stderr does not name -r: $(errtext inject-r)"
for pair in usage-unknown-flag:5.5.4 inject-r:5.5.4; do
  [ "$(status_of "${pair%%:*}")" = "${pair#*:} " ] || fail "${pair%%:*}: output does not start with ${pair#*:}: $(errtext "${pair%%:*}")"
done

# --- unknown users: 67 -----------------------------------------------------------
run nouser-system "$T/plain.eml" deliver -d "nosuch$$" -f "$SENDER"
expect nouser-system 67
# As root the table must be root's alone up to / (StrictModes): not under /tmp.
SAFE=$(mktemp -d /run/mailroom-faults.XXXXXX) || die "mktemp in /run"
cleanup_add "rm -rf '$SAFE'"
chmod 0755 "$SAFE"
echo "known:$(id -u "$U"):$(id -g "$U"):$T/virt/known/Maildir" >"$SAFE/virtual-users"
chmod 0644 "$SAFE/virtual-users"
run nouser-virtual "$T/plain.eml" deliver -d ghost -f "$SENDER" \
  -o users.system=false -o "users.virtual_file=$SAFE/virtual-users"
expect nouser-virtual 67
[ "$(status_of nouser-system)" = "5.1.1 " ] || fail "nouser: output does not start with 5.1.1: $(errtext nouser-system)"

# --- policy: 77 ------------------------------------------------------------------
/usr/bin/python3 "$here/lib/gen_messages.py" "$T" big 1 4096 4096
deliver size-under-default "$T/big1.eml"
expect size-under-default 0
deliver size-over-limit "$T/big1.eml" -o deliver.max_message_size=1K
expect size-over-limit 77
[ "$(status_of size-over-limit)" = "5.3.4 " ] || fail "too large: output does not start with 5.3.4: $(errtext size-over-limit)"

loop_msg() {
  printf 'Received: from mx.example.org by mx.example.net; Sat, 28 Nov 2026 12:00:00 +0000\n'
  printf 'Delivered-To: %s\n' "$1"
  printf 'Received: from client.example.com by mx.example.org; Sat, 28 Nov 2026 11:59:00 +0000\n'
  msg "$2"
}
loop_msg "other@example.net" loop-other >"$T/loop-other.eml"
deliver delivered-to-other "$T/loop-other.eml" -r "$U@example.net"
expect delivered-to-other 0
loop_msg "$U@example.net" loop-self >"$T/loop-self.eml"
deliver delivered-to-loop "$T/loop-self.eml" -r "$U@example.net"
expect delivered-to-loop 77
[ "$(status_of delivered-to-loop)" = "5.4.6 " ] || fail "loop: output does not start with 5.4.6: $(errtext delivered-to-loop)"

# --- Maildir++ quota: 75 by default, 77 with quota_exceeded = "bounce" -------------
make_user Q mrqt
QMD="$T/home/$Q/Maildir"
quota=(-o maildir.default_quota=10240S)  # mailroom.toml(5): "<bytes>S,<count>C"
stored=0 qrc=0
for _ in 1 2 3 4 5 6; do
  timeout -s KILL 30 "$MAILROOM" deliver "${HERMETIC[@]}" -d "$Q" -f "$SENDER" "${quota[@]}" <"$T/big1.eml" 2>"$T/err.quota"
  qrc=$?
  [ "$qrc" -eq 0 ] || break
  stored=$((stored + 1))
done
is_crash "$qrc" "$T/err.quota" && fail "quota: crash, exit $qrc"
if [ "$qrc" -ne 75 ]; then
  fail "quota: 10K quota, 4K messages: exit $qrc after $stored stored, want 75; $(errtext quota)"
elif [ "$(status_of quota)" != "4.2.2 " ]; then
  fail "quota: output does not start with 4.2.2: $(errtext quota)"
elif [ "$stored" -lt 2 ] || [ "$stored" -gt 3 ]; then
  fail "quota: $stored 4K messages stored under a 10K quota (want 2, or 3 if the last may overdraw)"
else
  pass "quota: $stored stored, then exit 75 $(errtext quota | head -c 100)"
fi
[ "$(count_files "$QMD/new")" -eq "$stored" ] || fail "quota: new/ holds $(count_files "$QMD/new"), want $stored"
timeout -s KILL 30 "$MAILROOM" deliver "${HERMETIC[@]}" -d "$Q" -f "$SENDER" "${quota[@]}" \
  -o deliver.quota_exceeded=bounce <"$T/big1.eml" 2>"$T/err.quota-bounce"
qrc=$?
[ "$qrc" -eq 77 ] || fail "quota: over quota with quota_exceeded=bounce: exit $qrc, want 77; $(errtext quota-bounce)"
[ "$(status_of quota-bounce)" = "5.2.2 " ] || fail "quota bounce: output does not start with 5.2.2: $(errtext quota-bounce)"
[ "$(count_files "$QMD/new")" -eq "$stored" ] || fail "quota: a message was stored over quota"
[ "$qrc" -eq 77 ] && pass "quota: quota_exceeded=bounce -> 77"

# --- no message at all: 65 (EX_DATAERR, mailroom-deliver(8)), nothing stored -------
: >"$T/empty.eml"
printf 'From someone@example.com Sat Nov 28 12:00:00 2026\n' >"$T/fromonly.eml"
for c in empty fromonly; do
  deliver "input-$c" "$T/$c.eml"
  expect "input-$c" 65
  [ "$(status_of "input-$c")" = "5.6.0 " ] || fail "input-$c: output does not start with 5.6.0: $(errtext "input-$c")"
done

# --- hostile input: a defined exit, never a crash --------------------------------
printf 'From: a@example.com\nSubject: headers only, no separator\nX-Test-Id: nosep1\n' >"$T/nosep-headers.eml"
printf 'From: a@example.com\nX-Test-Id: nosep2\nthis line is not a header field\nnor is this\n' >"$T/nosep-text.eml"
{ printf 'From: a@example.com\nX-Test-Id: nul1\nSubject: n\0l\n\nbody\0with\0NULs\n'; head -c 1000 /dev/zero; } >"$T/nul.eml"
/usr/bin/python3 - "$T" <<'EOF'
import os, random, sys
t = sys.argv[1]
with open(f"{t}/longline.eml", "wb") as f:
    f.write(b"From: a@example.com\nX-Test-Id: long1\nX-Long: " + b"a" * (1 << 20) + b"\n\nbody\n")
with open(f"{t}/manyfields.eml", "wb") as f:
    f.write(b"From: a@example.com\nX-Test-Id: many1\n" + b"X-F: v\n" * 100000 + b"\nbody\n")
with open(f"{t}/binary.eml", "wb") as f:
    f.write(random.Random(7).randbytes(65536))
with open(f"{t}/crlf.eml", "wb") as f:
    f.write(b"From: a@example.com\r\nX-Test-Id: crlf1\r\nSubject: crlf\r\n\r\nbody crlf1\r\n")
EOF
for c in nosep-headers nosep-text nul longline manyfields binary crlf; do
  deliver "input-$c" "$T/$c.eml"
  case $RC in
    0 | 75 | 77) ;;
    *) fail "input-$c: exit $RC is not 0, 75 or 77; stderr: $(errtext "input-$c")"; continue ;;
  esac
  if [ "$RC" -eq 0 ] && [ "$DELTA" -ne 1 ]; then
    fail "input-$c: exit 0 but $DELTA new files"
  elif [ "$RC" -ne 0 ] && [ "$DELTA" -ne 0 ]; then
    fail "input-$c: exit $RC but a new file in new/"
  elif [ "$RC" -eq 0 ] && [ "$c" != crlf ] &&
    ! /usr/bin/python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); o=open(sys.argv[2],"rb").read(); sys.exit(0 if d.endswith(o) else 1)' \
      "$MD/new/$NEWFILE" "$T/$c.eml"; then
    fail "input-$c: stored, but not byte for byte as sent"
  elif [ "$RC" -eq 0 ] && [ "$c" = crlf ] && ! tr -d '\r' <"$MD/new/$NEWFILE" | grep -q '^body crlf1$'; then
    fail "input-crlf: stored, but the body is missing"
  else
    pass "input-$c: exit $RC $(errtext "input-$c" | head -c 100)"
  fi
done

# --- unwritable Maildir: 75 with a hint ------------------------------------------
chmod 0500 "$MD/tmp" "$MD/new" "$MD/cur"
deliver unwritable "$T/plain.eml"
chmod 0700 "$MD/tmp" "$MD/new" "$MD/cur"
expect unwritable 75
grep -qiE 'permission|EACCES' "$T/err.unwritable" || fail "unwritable: stderr does not say 'Permission denied'"
grep -qF "$MD" "$T/err.unwritable" || fail "unwritable: stderr does not name the Maildir ($MD)"

# A home the user cannot write into: the Maildir cannot be created.
make_user R mrro
chown root:root "$T/home/$R"
chmod 0755 "$T/home/$R"
timeout -s KILL 30 "$MAILROOM" deliver "${HERMETIC[@]}" -d "$R" -f "$SENDER" <"$T/plain.eml" >/dev/null 2>"$T/err.uncreatable"
RC=$?
is_crash "$RC" "$T/err.uncreatable" && fail "uncreatable: crash, exit $RC"
[ "$RC" -eq 75 ] || fail "uncreatable: exit $RC, want 75; stderr: $(errtext uncreatable)"
[ ! -e "$T/home/$R/Maildir" ] || fail "uncreatable: a Maildir appeared in a root-owned home (written as root?)"
grep -qF "$T/home/$R" "$T/err.uncreatable" || fail "uncreatable: stderr does not name the path: $(errtext uncreatable)"
[ "$RC" -eq 75 ] && pass "uncreatable: exit 75 $(errtext uncreatable | head -c 100)"

# --- ENOSPC on a tiny tmpfs: 75, nothing in new/, tmp/ cleaned ---------------------
make_user S mrns
SMD="$T/home/$S/Maildir"
if mount -t tmpfs -o "size=256k,mode=0755,uid=$(id -u "$S"),gid=$(id -g "$S")" tmpfs "$T/home/$S"; then
  cleanup_add "umount -l '$T/home/$S'"
  /usr/bin/python3 "$here/lib/gen_messages.py" "$T" full 1 1000000 1000000
  timeout -s KILL 30 "$MAILROOM" deliver "${HERMETIC[@]}" -d "$S" -f "$SENDER" <"$T/plain.eml" 2>"$T/err.small"
  rc1=$?
  timeout -s KILL 30 "$MAILROOM" deliver "${HERMETIC[@]}" -d "$S" -f "$SENDER" <"$T/full1.eml" 2>"$T/err.enospc"
  rc2=$?
  timeout -s KILL 30 "$MAILROOM" deliver "${HERMETIC[@]}" -d "$S" -f "$SENDER" <"$T/plain.eml" 2>"$T/err.after"
  rc3=$?
  is_crash "$rc2" "$T/err.enospc" && fail "enospc: crash, exit $rc2"
  [ "$rc1" -eq 0 ] || fail "enospc: the small message before did not fit: exit $rc1 $(errtext small)"
  [ "$rc2" -eq 75 ] || fail "enospc: exit $rc2, want 75; stderr: $(errtext enospc)"
  [ "$rc3" -eq 0 ] || fail "enospc: a small message after ENOSPC failed (space leaked?): exit $rc3 $(errtext after)"
  [ "$(count_files "$SMD/new")" -eq $(((rc1 == 0) + (rc3 == 0))) ] ||
    fail "enospc: new/ holds $(count_files "$SMD/new") files, want only the small ones"
  [ "$(count_files "$SMD/tmp")" -eq 0 ] || fail "enospc: $(count_files "$SMD/tmp") file(s) left in tmp/"
  grep -q X-Test-Id:\ full1 "$SMD"/new/* 2>/dev/null && fail "enospc: the big message is in new/"
  [ "$rc2" -eq 75 ] && pass "enospc: exit 75 $(errtext enospc | head -c 100)"
else
  fail "cannot mount a tmpfs (needed for the ENOSPC case)"
fi

# --- deadline: a stdin that never ends -> 75 in about a second ----------------------
mkfifo "$T/slow.fifo"
{ msg slow; exec sleep 60; } >"$T/slow.fifo" &
writer=$!
cleanup_add "kill $writer"
start=$(date +%s%N)
deliver deadline "$T/slow.fifo" -o deliver.deadline=1s
ms=$((($(date +%s%N) - start) / 1000000))
kill "$writer" 2>/dev/null
expect deadline 75
[ "$(status_of deadline)" = "4.4.7 " ] || fail "deadline: output does not start with 4.4.7: $(errtext deadline)"
# 1 s plus start-up; generous for a loaded CI machine, far below the default 5 min.
[ "$ms" -le 3000 ] || fail "deadline: took ${ms} ms for a 1 s deadline"
log "deadline: exit $RC after ${ms} ms"

# --- a configuration that never ends (FIFO, dead NFS): 75, not a hang ----------------
mkfifo "$T/config.fifo"
start=$(date +%s%N)
deliver config-fifo "$T/plain.eml" -c "$T/config.fifo" -o deliver.deadline=1s
ms=$((($(date +%s%N) - start) / 1000000))
expect config-fifo 75
[ "$ms" -le 3000 ] || fail "config-fifo: took ${ms} ms for a 1 s deadline"

# --- stderr closed by the MTA: the exit code is still the delivery's ----------------
# (stderr is a pipe whose read end is closed, as when the MTA has gone: a write
# raises SIGPIPE unless it is ignored, then fails with EPIPE)
closed_stderr() {
  local name=$1 input=$2
  shift 2
  ls "$MD/new" | sort >"$T/before"
  /usr/bin/python3 - "$MAILROOM" "$input" "$@" <<'PY' >"$T/out.$name"
import os, subprocess, sys
r, w = os.pipe()
os.close(r)  # the MTA's end of stderr is gone
with open(sys.argv[2], "rb") as stdin:
    rc = subprocess.run([sys.argv[1]] + sys.argv[3:], stdin=stdin, stderr=w,
                        restore_signals=True).returncode
print(rc)
PY
  RC=$(cat "$T/out.$name")
  DELTA=$(($(count_files "$MD/new") - $(wc -l <"$T/before")))
}
closed_stderr pipe-nouser "$T/plain.eml" deliver "${HERMETIC[@]}" -d "nosuch$$" -f "$SENDER"
[ "$RC" = 67 ] && pass "stderr closed, unknown user: 67" || fail "stderr closed, unknown user: exit $RC, want 67"
closed_stderr pipe-toolarge "$T/big1.eml" deliver "${HERMETIC[@]}" -d "$U" -f "$SENDER" -o deliver.max_message_size=1K
[ "$RC" = 77 ] && [ "$DELTA" -eq 0 ] && pass "stderr closed, too large: 77" || fail "stderr closed, too large: exit $RC, want 77"
closed_stderr pipe-logged "$T/plain.eml" deliver "${HERMETIC[@]}" -d "$U" -f "$SENDER" -o log.target=stderr -o log.level=debug
[ "$RC" = 0 ] && [ "$DELTA" -eq 1 ] && pass "stderr closed, log.target=stderr: delivered, 0" ||
  fail "stderr closed, log.target=stderr: exit $RC, $DELTA new file(s); want 0 and 1"

# --- a setuid or setgid copy: refused with 75, nothing written ----------------------
make_user V mrsu
cp "$MAILROOM" "$T/bin/mailroom-setuid"
chmod 4755 "$T/bin/mailroom-setuid"
cp "$MAILROOM" "$T/bin/mailroom-setgid"
chgrp "$(id -gn "$U")" "$T/bin/mailroom-setgid"
chmod 2755 "$T/bin/mailroom-setgid"
for kind in setuid setgid; do
  ls "$MD/new" | sort >"$T/before"
  su -s /bin/sh "$V" -c "'$T/bin/mailroom-$kind' deliver ${HERMETIC[*]} -d '$U' -f '$SENDER' -o log.target=stderr" \
    <"$T/plain.eml" >/dev/null 2>"$T/err.$kind"
  RC=$?
  DELTA=$(($(count_files "$MD/new") - $(wc -l <"$T/before")))
  expect "$kind" 75
  grep -q 'setuid or setgid' "$T/err.$kind" || fail "$kind: stderr does not say why: $(errtext "$kind")"
done

# --- kill -9 at random points -----------------------------------------------------------
make_user K mrkl
KMD="$T/home/$K/Maildir"
/usr/bin/python3 "$here/lib/gen_messages.py" "$T/kill" k "$KILLS" 2000 600000
chmod -R a+rX "$T/kill"
/usr/bin/python3 "$here/lib/kill_loop.py" "$MAILROOM" "$K" "$T/kill" k "$KILLS" "$$" \
  "${HERMETIC[@]}" >"$T/kill.rc"
awk '$2 == 0 { print $1 }' "$T/kill.rc" >"$T/kill.ok"
other=$(awk '$2 != 0 && $2 != -9 { print }' "$T/kill.rc" | head -3)
[ -z "$other" ] || fail "kill -9: unexpected exit codes: $other"
if /usr/bin/python3 "$here/lib/maildir_check.py" "$KMD" --originals "$T/kill" \
  --require-ids "$T/kill.ok" >"$T/kill.check" 2>&1; then
  pass "kill -9: $(wc -l <"$T/kill.ok") finished, $(grep -c ' -9$' "$T/kill.rc") killed; $(tail -1 "$T/kill.check")"
else
  fail "kill -9: partial or duplicate files:"
  cat "$T/kill.check" >&2
fi
finish
