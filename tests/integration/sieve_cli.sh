#!/usr/bin/env bash
# The Sieve tools of issue 13 ("Commands") with the real binary:
#   sieve test --trace [--json]   which test matched and why
#   sieve test --dir CASES SCRIPT a folder of NAME.eml + NAME.expect; exit 1
#                                 on any difference, printed like a diff
#   sieve filter [--apply] [--allow-discard] SCRIPT FOLDER
#                                 a dry run changes nothing; --apply moves by
#                                 link then unlink, as the user who runs it;
#                                 discard needs --allow-discard; a move cut
#                                 short after its link is finished next time;
#                                 a target that cannot be made leaves the
#                                 message where it was
#   sieve from-procmail FILE      tests/data/procmail: the expected Sieve and
#                                 the list of untranslated recipes; the output
#                                 compiles (regex/duplicate: once built in)
TEST_NAME=sieve_cli
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
require_cmd runuser setpriv
find_mailroom
make_scratch
install_mailroom
make_user U mrsv
HOME_U="$T/home/$U"

# run EXPECTED-RC NAME ARGS...: mailroom sieve ARGS, output in $T/out.
run() {
  local want=$1 name=$2 rc=0
  shift 2
  "$MAILROOM" sieve "$@" >"$T/out" 2>"$T/err" || rc=$?
  if [ "$rc" -eq "$want" ]; then pass "$name (exit $rc)"; else
    fail "$name: exit $rc, want $want: $(head -3 "$T/out" "$T/err")"
  fi
}

crlf() { sed 's/$/\r/'; }

# --- test --trace ---------------------------------------------------------
cat >"$T/rules.sieve" <<'S'
require ["fileinto", "imap4flags"];
# meetings go to Work
if header :contains "subject" "meeting" {
  fileinto "Work";
}
if allof (address :domain "from" "example.org", not size :over 100K) {
  addflag "\\Seen";
}
if header :is "x-none" "x" { discard; }
S
crlf >"$T/meeting.eml" <<'M'
From: Alice <alice@example.org>
To: bob@example.net
Subject: Team meeting

Agenda.
M
run 0 trace-text test --trace "$T/rules.sieve" "$T/meeting.eml"
grep -qx 'line 3: header :contains "subject" "meeting" -> true (Subject: "Team meeting")' "$T/out" ||
  fail "trace: no matched header line: $(cat "$T/out")"
grep -qx 'line 4: fileinto "Work"' "$T/out" || fail "trace: no command line: $(cat "$T/out")"
grep -qx '  line 6: address :domain :is "from" "example.org" -> true (From: "example.org")' "$T/out" ||
  fail "trace: nested test not indented under allof: $(cat "$T/out")"
grep -qx 'line 9: header :is "x-none" "x" -> false (no value)' "$T/out" ||
  fail "trace: false test without why: $(cat "$T/out")"
grep -qx 'fileinto "Work" :flags "\\Seen" (line 4)' "$T/out" ||
  grep -qx 'fileinto "Work" (line 4)' "$T/out" || fail "trace: actions missing: $(cat "$T/out")"
run 0 trace-json test --trace --json "$T/rules.sieve" "$T/meeting.eml"
/usr/bin/python3 - "$T/out" <<'PY' || fail "trace json: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["error"] is None
assert d["actions"][0] == {"action": "fileinto", "folder": "Work", "copy": False,
                           "create": False, "flags": [], "line": 4}, d["actions"]
t = d["trace"][0]
assert t["type"] == "test" and t["name"] == "header" and t["result"] is True, t
assert t["why"] == 'Subject: "Team meeting"' and t["line"] == 3, t
assert any(e["type"] == "command" and e["name"] == "addflag" for e in d["trace"])
PY
# Without --trace the JSON has no "trace" key (the schema is stable).
run 0 json-no-trace test --json "$T/rules.sieve" "$T/meeting.eml"
grep -q '"trace"' "$T/out" && fail "json without --trace has a trace"

# --- test --dir -------------------------------------------------------------
C="$T/cases"
mkdir -p "$C"
cp "$T/meeting.eml" "$C/meeting.eml"
cat >"$C/meeting.expect" <<'E'
# the meeting from example.org: filed (the \Seen comes after the fileinto)
from: alice@example.org
to: bob@example.net
fileinto Work
E
crlf >"$C/seen.eml" <<'M'
From: carol@example.org
Subject: lunch

Noon?
M
# System flags in any case (RFC 3501 §2.3.2).
printf 'keep :flags \\SEEN\n' >"$C/seen.expect"
crlf >"$C/other.eml" <<'M'
From: x@other.net
Subject: hello

body
M
printf 'keep\n' >"$C/other.expect"
run 0 dir-pass test --dir "$C" "$T/rules.sieve"
grep -q '^3 cases, 3 passed, 0 failed$' "$T/out" || fail "dir-pass summary: $(cat "$T/out")"
# A wrong expectation: exit 1 and a diff.
printf 'fileinto "Other Folder"\n' >"$C/other.expect"
run 1 dir-difference test --dir "$C" "$T/rules.sieve"
grep -qx -- "-fileinto \"Other Folder\"" "$T/out" && grep -qx -- "+keep" "$T/out" &&
  grep -qx "FAIL other" "$T/out" || fail "dir diff: $(cat "$T/out")"
# --trace: the failed case's trace follows its diff.
run 1 dir-trace test --dir "$C" --trace "$T/rules.sieve"
grep -qx '  line 3: header :contains "subject" "meeting" -> false (1 value, no key matched)' "$T/out" ||
  fail "dir --trace: $(cat "$T/out")"
printf 'keep\n' >"$C/other.expect"
# A message without its .expect is a failure, not a silent pass.
cp "$T/meeting.eml" "$C/orphan.eml"
run 1 dir-missing-expect test --dir "$C" "$T/rules.sieve"
rm "$C/orphan.eml"
printf 'fileinto\n' >"$C/bad.expect"
cp "$T/meeting.eml" "$C/bad.eml"
run 1 dir-bad-expect test --dir "$C" "$T/rules.sieve"
grep -q "bad.expect:1: fileinto needs a folder" "$T/out" || fail "bad expect: $(cat "$T/out")"
rm "$C/bad.eml" "$C/bad.expect"
run 1 dir-empty test --dir "$T/home" "$T/rules.sieve"
run 64 dir-and-message test --dir "$C" "$T/rules.sieve" "$T/meeting.eml"
run 2 dir-missing test --dir "$T/none" "$T/rules.sieve"

# --- filter -----------------------------------------------------------------
MD="$HOME_U/Maildir"
mkdir -p "$MD"/{cur,new,tmp}
cp "$T/meeting.eml" "$MD/new/100.a.host"
crlf >"$MD/cur/101.b.host:2,S" <<'M'
From: x@other.net
Subject: hello

x
M
crlf >"$MD/cur/102.c.host:2," <<'M'
From: spam@bad.example
Subject: win

x
M
crlf >"$MD/new/103.d.host" <<'M'
From: r@fwd.example
Subject: forward me

x
M
chown -R "$U:$U" "$MD"
cat >"$HOME_U/filter.sieve" <<'S'
require ["fileinto", "imap4flags"];
if header :contains "subject" "meeting" { fileinto :flags "\\Flagged" "Work"; stop; }
if address :domain "from" "bad.example" { discard; stop; }
if header :contains "subject" "forward" { redirect "x@example.com"; stop; }
if header :contains "subject" "hello" { addflag "\\Answered"; }
S
chown "$U:$U" "$HOME_U/filter.sieve"
as_user() { runuser -u "$U" -- env HOME="$HOME_U" "$MAILROOM" sieve "$@"; }
listing() { (cd "$MD" && find . -type f | sort); }
before=$(listing)
as_user filter "$HOME_U/filter.sieve" "$MD" >"$T/out" 2>&1 || fail "dry run exit $?: $(cat "$T/out")"
[ "$(listing)" = "$before" ] && pass "dry run changes nothing" || fail "dry run changed: $(listing)"
grep -qx 'new/100.a.host: move to Work; flags \\Flagged' "$T/out" || fail "dry run listing: $(cat "$T/out")"
grep -q '^cur/102.c.host:2,: stays in INBOX; discard refused without --allow-discard' "$T/out" ||
  fail "dry run discard: $(cat "$T/out")"
grep -q '^new/103.d.host: stays in INBOX; redirect to <x@example.com> (line 4) not sent' "$T/out" ||
  fail "dry run redirect: $(cat "$T/out")"
[ -e "$MD/.Work" ] && fail "dry run made the folder"
# An earlier --apply killed after linking the meeting into Work (before
# the unlink): the same file is in both folders. This run finishes it.
mkdir -p "$MD/.Work"/{cur,new,tmp}
ln "$MD/new/100.a.host" "$MD/.Work/cur/100.a.host:2,F"
chown -R "$U:$U" "$MD/.Work"
as_user filter --apply "$HOME_U/filter.sieve" "$MD" >"$T/out" 2>&1 || fail "apply exit $?: $(cat "$T/out")"
want="./.Work/cur/100.a.host:2,F
./cur/101.b.host:2,RS
./cur/102.c.host:2,
./new/103.d.host"
got=$(listing | grep -v -e maildirfolder -e subscriptions)
[ "$got" = "$want" ] && pass "apply moved, flagged, refused the discard" || fail "apply: $got"
[ "$(stat -c %U "$MD/cur/101.b.host:2,RS")" = "$U" ] || fail "apply: not the user's file"
# --allow-discard deletes.
as_user filter --apply --allow-discard "$HOME_U/filter.sieve" "$MD" >"$T/out" 2>&1 ||
  fail "allow-discard exit $?: $(cat "$T/out")"
[ ! -e "$MD/cur/102.c.host:2," ] && pass "--allow-discard deletes" || fail "discard with --allow-discard kept it"
# A target that cannot be made (a file where the folder would be): the
# message stays, exit 1.
cp "$T/meeting.eml" "$MD/new/104.e.host"
chown "$U:$U" "$MD/new/104.e.host"
rm -rf "$MD/.Work" && runuser -u "$U" -- touch "$MD/.Work"
rc=0
as_user filter --apply "$HOME_U/filter.sieve" "$MD" >"$T/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && [ -e "$MD/new/104.e.host" ] && pass "failed move leaves the message" ||
  fail "failed move: exit $rc, $(listing): $(cat "$T/out")"
# A Maildir++ subfolder is filtered in place: keep is "stays in it".
mkdir -p "$MD/.Lists.Dev"/{cur,new,tmp}
cp "$T/meeting.eml" "$MD/.Lists.Dev/new/105.f.host"
run 0 filter-subfolder filter "$HOME_U/filter.sieve" "$MD/.Lists.Dev/"
grep -qx 'new/105.f.host: move to Work; flags \\Flagged' "$T/out" || fail "subfolder: $(cat "$T/out")"
printf 'require "fileinto";\nfileinto "Lists/Dev";\n' >"$T/same.sieve"
run 0 filter-same-folder filter "$T/same.sieve" "$MD/.Lists.Dev"
grep -qx 'new/105.f.host: stays in Lists.Dev' "$T/out" || fail "same folder: $(cat "$T/out")"
run 2 filter-not-maildir filter "$HOME_U/filter.sieve" "$T/home"
run 64 filter-usage filter "$HOME_U/filter.sieve"
printf 'if foo { keep; }\n' >"$T/broken.sieve"
run 1 filter-broken-script filter "$T/broken.sieve" "$MD"

# Killed at a random moment (SIGKILL, three times at different delays)
# while moving 400 messages: every message is in INBOX or Work (a copy in
# both is allowed), and a last run leaves each in Work exactly once.
K="$T/kill/Maildir"
mkdir -p "$K"/{cur,new,tmp}
for i in $(seq 1 400); do
  printf 'Subject: meeting %s\r\n\r\nbody %s\r\n' "$i" "$i" >"$K/new/$i.k.host"
done
chown -R "$U:$U" "$T/kill"
uniques() { (cd "$K" && find . -path ./tmp -prune -o -type f -name '*.k.host*' -print) | sed 's|.*/||; s|:.*||' | sort -u; }
for delay in 0.02 0.05 0.1; do
  # setpriv execs mailroom itself (runuser would stay its parent), so
  # the pid is the filter's.
  setpriv --reuid="$U" --regid="$U" --init-groups "$MAILROOM" sieve filter --apply \
    "$HOME_U/filter.sieve" "$K" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  n=$(uniques | wc -l)
  [ "$n" -eq 400 ] || fail "kill after ${delay}s: $n of 400 messages left"
done
as_user filter --apply "$HOME_U/filter.sieve" "$K" >"$T/out" 2>&1 ||
  fail "after kills: $(grep -v "move to Work; flags" "$T/out" | head -5)"
[ "$(count_files "$K/new")" -eq 0 ] && [ "$(count_files "$K/.Work/cur")" -eq 400 ] &&
  pass "killed moves: nothing lost, the next run finishes" ||
  fail "after kills: new=$(count_files "$K/new") Work=$(count_files "$K/.Work/cur")"

# --- from-procmail ------------------------------------------------------------
P="$here/../data/procmail"
regex_ok=0
printf 'require "regex";\n' >"$T/r.sieve"
"$MAILROOM" sieve check "$T/r.sieve" >/dev/null 2>&1 && regex_ok=1
dup_ok=0
printf 'require "duplicate";\n' >"$T/d.sieve"
"$MAILROOM" sieve check "$T/d.sieve" >/dev/null 2>&1 && dup_ok=1
for rcfile in "$P"/*.procmailrc; do
  name=$(basename "$rcfile" .procmailrc)
  rc=0
  (cd "$P" && "$MAILROOM" sieve from-procmail "$name.procmailrc") >"$T/$name.sieve" 2>"$T/$name.err" || rc=$?
  want_rc=0
  [ -s "$P/$name.skipped" ] && want_rc=1
  [ "$rc" -eq "$want_rc" ] || fail "procmail $name: exit $rc, want $want_rc"
  diff -u "$P/$name.sieve" "$T/$name.sieve" >"$T/diff" && pass "procmail $name: the expected Sieve" ||
    fail "procmail $name: output differs: $(head -20 "$T/diff")"
  { grep 'not translated' "$T/$name.err" || true; } | diff -u "$P/$name.skipped" - >"$T/diff" ||
    fail "procmail $name: skipped list differs: $(cat "$T/diff")"
  crc=0
  "$MAILROOM" sieve check "$T/$name.sieve" >"$T/check" 2>&1 || crc=$?
  if [ "$crc" -ne 0 ]; then
    # Only what this build lacks may fail; the lead re-runs after merging.
    other=$(grep -v -e "extension 'regex'" -e "extension 'duplicate'" -e "test 'duplicate'" -e ":regex" "$T/check" || true)
    if [ -n "$other" ] || { [ "$regex_ok" = 1 ] && [ "$dup_ok" = 1 ]; }; then
      fail "procmail $name: the output does not compile: $(cat "$T/check")"
    else
      log "procmail $name: compiles but for regex=$regex_ok duplicate=$dup_ok missing here"
    fi
  fi
done
# Default file: ~/.procmailrc of the user who runs it.
printf ':0\n* ^Subject:.*x\nx/\n' >"$HOME_U/.procmailrc"
chown "$U:$U" "$HOME_U/.procmailrc"
runuser -u "$U" -- env HOME="$HOME_U" "$MAILROOM" sieve from-procmail >"$T/out" 2>&1 &&
  grep -q 'fileinto "x";' "$T/out" && pass "from-procmail reads ~/.procmailrc" ||
  fail "default procmailrc: $(cat "$T/out")"
run 2 procmail-missing from-procmail "$T/none"
run 64 procmail-usage from-procmail a b

finish
