#!/usr/bin/env bash
# Differential test of `mailroom sieve test` against Pigeonhole's sieve-test
# (issue 13, "Proven by tests"): every case in tests/data/sieve/cases is a
# Sieve script whose leading comments name its message (tests/data/sieve/
# messages) and envelope; both engines run it and their action lists,
# normalised, must agree. A case listed in tests/data/sieve/disagreements.txt
# (with the RFC text showing Pigeonhole is wrong) must still disagree, so the
# list never goes stale.
#
# Normal form, one line each, compared as sets: "store FOLDER" (keep and the
# implicit keep are "store INBOX"; "store FOLDER flags=a,\\seen" with IMAP
# flags, lower-cased and sorted), "redirect ADDRESS", "discard", "reject REASON",
# "compile-error" (alone), "runtime-error" (with the implicit keep),
# "vacation seconds=N subject=S from=F handle=H reason=R" (RFC 5230; line
# breaks as \n) and "notify importance=N from=F subject=S to=A,B" (RFC
# 5435/5436: the subject is :message, else the URI's; the recipients are
# the URI's to, cc and bcc, sorted). duplicate's "track" lines are not
# actions: its store is a stub in Pigeonhole (never a duplicate).
#
# RFC 5235 cases say "# spam-score: N" (a number) or "# virus-level: N"
# (1-5): Pigeonhole reads them from fields put on top of the message
# (X-Harness-Spam-Score, scale 0-9; X-Harness-Virus-Score, N - 1 on 0-4),
# mailroom from --spam-score and --virus-level; both then give spamtest
# floor(score) + 1 and virustest N. SIEVE_CASES=GLOB runs only those cases.
TEST_NAME=sieve_pigeonhole
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root  # sieve-test refuses uid 0: it runs as nobody, in a dir we chown
require_cmd setpriv sieve-test python3
find_mailroom
make_scratch

data="$here/../data/sieve"
known="$data/disagreements.txt"

# Both engines' outputs are normalised by one Python process for all the
# cases (each case dir gets pigeonhole.norm and mailroom.norm): a Python
# start per case and engine was 1,248 starts, most of this test's time.
# A case whose output cannot be read gets an empty .norm and the error on
# stderr, so it fails the comparison below, as before.
normalise_all() {  # CASE-DIR... (each with pigeonhole.rc, pigeonhole.out, mailroom.json)
  /usr/bin/python3 - "$@" <<'PY'
import json, re, sys, traceback, urllib.parse

# Pigeonhole's "Performed actions" and "Implicit keep" blocks, normalised.
def normalise_pigeonhole(rc, path):
  if rc == 89:
    return ["compile-error"]
  out = set()
  if rc != 0:
      out.add("runtime-error")
  stores = []  # [folder, refinements]: the "+ ..." lines under a store refine it
  def esc(text): return text.replace("\r\n", "\n").rstrip("\n").replace("\n", "\\n")
  def vacation_line(v):
      return "vacation seconds=%s subject=%s from=%s handle=%s reason=%s" % (
          v.get("seconds", ""), v.get("subject", ""), v.get("from", ""), esc(v.get("handle", "")),
          esc(v.get("reason", "")))
  def notify_line(n):
      return "notify importance=%s from=%s subject=%s to=%s" % (
          n.get("importance", ""), n.get("from", ""), n.get("subject", ""), ",".join(sorted(n["to"])))
  sending = None  # the vacation or notify block being read
  key = None      # a "=> key :" whose value may go on over lines (the handle)
  for raw in open(path, encoding="utf-8", errors="replace"):
      line = raw.rstrip("\n")
      if sending is not None and sending.get("kind") == "vacation" and key == "reason":
          if line == "END MESSAGE":
              out.add(vacation_line(sending)); sending = None; key = None
          else:
              sending["reason"] = sending.get("reason", "") + line + "\n"
          continue
      if sending is not None:
          m = re.match(r"\s+=> (\w+)\s*: ?(.*)$", line)
          if m:
              key = m.group(1); sending[key] = m.group(2); continue
          m = re.match(r"\s+\+ (To|Cc|Bcc): (.*)$", line)
          if m and sending.get("kind") == "notify":
              sending["to"].append(m.group(2)); continue
          if line == "START MESSAGE":
              key = "reason"; continue
          if sending.get("kind") == "vacation" and key == "handle" and line.strip():
              sending["handle"] += "\n" + line; continue
          if sending.get("kind") == "vacation" and not line.strip():
              key = None; continue
          if sending.get("kind") == "notify" and (line.startswith(" *") or not line.strip() or
                                                  line.startswith("Implicit keep")):
              out.add(notify_line(sending)); sending = None; key = None
          elif sending.get("kind") == "notify":
              continue
      if re.match(r"\s*\* send vacation message:", line):
          sending = {"kind": "vacation"}; key = None; continue
      if re.match(r"\s*\* send notification with method 'mailto:':", line):
          sending = {"kind": "notify", "to": []}; key = None; continue
      m = re.match(r"\s*\+ add IMAP flags: (.*)$", line)
      if m and stores:
          stores[-1][1].append("flags=" + ",".join(sorted(set(m.group(1).lower().split()))))
      if re.match(r"\s*\+ create mailbox if it does not exist", line) and stores:
          stores[-1][1].append("create")
      m = re.match(r"\s*\* store message in folder: (.*)$", line)
      if m: stores.append([m.group(1), []])
      m = re.match(r"\s*\* redirect message to: <?([^>]*)>?$", line)
      if m: out.add("redirect " + m.group(1))
      if re.match(r"\s*\* discard\s*$", line): out.add("discard")
      m = re.match(r"\s*\* reject message with reason: (.*)$", line)
      if m: out.add("reject " + m.group(1).rstrip())
      # A run-time failure lists no actions; the implicit keep it falls
      # back on (RFC 5228 §2.10.6) is only named in the final result.
      if "resolved with successful implicit keep" in line: stores.append(["INBOX", []])
  for folder, refinements in stores:
      out.add(" ".join(["store", folder] + sorted(refinements)))
  return sorted(out)

# mailroom's --json output, normalised.
def normalise_mailroom(path):
  result = json.load(open(path, encoding="utf-8"))
  def esc(text): return text.replace("\r\n", "\n").rstrip("\n").replace("\n", "\\n")
  # RFC 6068: the recipients of a mailto: URI and its subject field.
  def notify(a):
      path, _, query = a["method"][len("mailto:"):].partition("?")
      to = [urllib.parse.unquote(x) for x in path.split(",") if x]
      subject = ""
      for field in filter(None, query.split("&")):
          name, _, value = field.partition("=")
          value = urllib.parse.unquote(value)
          if name.lower() in ("to", "cc", "bcc"): to += [x for x in value.split(",") if x]
          if name.lower() == "subject": subject = value
      return "notify importance=%s from=%s subject=%s to=%s" % (
          a["importance"], a["from"], a["message"] or subject, ",".join(sorted(to)))
  error = result["error"]
  if error and error["kind"] == "compile":
      return ["compile-error"]
  out = set()
  if error: out.add("runtime-error")
  # Pigeonhole prints control characters of folder names as "?".
  clean = lambda text: "".join("?" if ord(c) < 32 else c for c in text)
  # IMAP flags (RFC 5232), compared as a set in lower case as Pigeonhole
  # prints system flags ("\\seen").
  def store(folder, a):
      refinements = ["create"] if a.get("create") else []
      if a.get("flags"):
          refinements.append("flags=" + ",".join(sorted({f.lower() for f in a["flags"]})))
      return " ".join(["store", folder] + sorted(refinements))
  for a in result["actions"]:
      kind = a["action"]
      if kind == "keep": out.add(store("INBOX", a))
      elif kind == "fileinto": out.add(store(clean(a["folder"]), a))
      elif kind == "redirect": out.add("redirect " + a["address"])
      elif kind == "discard": out.add("discard")
      elif kind == "reject": out.add("reject " + a["reason"].rstrip())
      elif kind == "vacation":
          out.add("vacation seconds=%d subject=%s from=%s handle=%s reason=%s" % (
              a["seconds"], a["subject"], a["from"], esc(a["handle"]), esc(a["reason"])))
      elif kind == "notify":
          out.add(notify(a))
      # RFC 5293 edits are not actions to Pigeonhole: the cases show them
      # through the tests that follow them.
      elif kind in ("addheader", "deleteheader"): pass
      else: out.add(kind)
  return sorted(out)

for case_dir in sys.argv[1:]:
  for name, make in (("pigeonhole", lambda: normalise_pigeonhole(
                         int(open(case_dir + "/pigeonhole.rc").read()), case_dir + "/pigeonhole.out")),
                     ("mailroom", lambda: normalise_mailroom(case_dir + "/mailroom.json"))):
    try:
      text = "\n".join(make()) + "\n"
    except Exception:  # an empty file, as the Python of one case that died left it
      print(case_dir, name, file=sys.stderr); traceback.print_exc(); text = ""
    with open(case_dir + "/" + name + ".norm", "w", encoding="utf-8") as norm:
      norm.write(text)
PY
}

# read_header CASE: the case's "# KEY: value" lines into heads[KEY] (the
# first line of each KEY). In bash, without a process: a sed per key and
# case was 5,000 forks.
declare -A heads
read_header() {
  local line pattern='^# ([^:]+): (.*)$'
  heads=()
  while IFS= read -r line || [ -n "$line" ]; do
    [[ $line =~ $pattern ]] || continue
    [ -n "${heads[${BASH_REMATCH[1]}]+set}" ] || heads[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
  done <"$1"
}

# `mailroom sieve check` on the case: exit 1 and "FILE:LINE:COL: error:"
# where Pigeonhole refused the script, with the line of Pigeonhole's first
# error; exit 0 where Pigeonhole compiled it.
check_compile_errors() {  # NAME CASE DIR PIGEONHOLE-RC
  local crc=0 theirs="" ours
  "$MAILROOM" sieve check --include-dir "$3/sieve" --global-dir "$3/global" "$2" >"$3/check.out" 2>&1 || crc=$?
  # Pigeonhole prints run-time errors (exit 1) in the same form; only a
  # refused script (exit 89) is a compile error.
  [ "$4" -eq 89 ] && theirs=$(sed -n 's/^script: line \([0-9]*\): error:.*/\1/p' "$3/pigeonhole.out" | head -1)
  if [ -z "$theirs" ]; then
    [ "$crc" -eq 0 ] || fail "$1: sieve check exited $crc: $(head -1 "$3/check.out")"
    return
  fi
  ours=$(sed -n "s|^$2:\([0-9]*\):[0-9]*: error: .*|\1|p" "$3/check.out" | head -1)
  [ "$crc" -eq 1 ] || fail "$1: sieve check exited $crc on a script Pigeonhole refuses"
  lines_compared=$((lines_compared + 1))
  [ "$ours" = "$theirs" ] || fail "$1: first error on line ${ours:-none}, Pigeonhole says $theirs"
}

# The names disagreements.txt lists (its lines are "NAME<blank>why").
declare -A listed_names
if [ -f "$known" ]; then
  while read -r listed_name; do listed_names[$listed_name]=1; done < <(sed -n 's/^\([^[:space:]]\{1,\}\)[[:space:]].*/\1/p' "$known")
fi
listed() { [ -n "${listed_names[$1]+set}" ]; }

total=0 agree=0 expected_diff=0 lines_compared=0
compared=()  # the cases both engines ran, in order
# RFC 5235 for Pigeonhole: the harness's fields, on the scales above.
spam_options=(-o plugin/sieve_spamtest_status_type=score
  -o 'plugin/sieve_spamtest_status_header=X-Harness-Spam-Score:(-?[0-9]+(\.[0-9]+)?)'
  -o plugin/sieve_spamtest_max_value=9
  -o plugin/sieve_virustest_status_type=score
  -o 'plugin/sieve_virustest_status_header=X-Harness-Virus-Score:([0-9]+)'
  -o plugin/sieve_virustest_max_value=4)

for case in "$data"/cases/${SIEVE_CASES:-*}.sieve; do
  name=${case##*/}
  name=${name%.sieve}
  total=$((total + 1))
  read_header "$case"
  msg="$data/messages/${heads[message]:-plain.eml}"
  from=${heads[from]:-alice@example.org}
  to=${heads[to]:-bob+lists@example.net}
  rcpt=${heads[rcpt]:-bob@example.net}
  W="$T/$name"
  mkdir -p "$W"
  # "# mailboxes: A B": folders that exist (RFC 5490 mailboxexists), as
  # Maildir++ folders for Pigeonhole and --mailbox for mailroom.
  mailbox_args=()
  for folder in ${heads[mailboxes]:-}; do
    mkdir -p "$W/Maildir/.$folder/cur" "$W/Maildir/.$folder/new" "$W/Maildir/.$folder/tmp"
    mailbox_args+=(--mailbox "$folder")
  done
  # "# extensions: +vacation-seconds": what sieve-test must enable beyond its defaults.
  ext_args=()
  ext=${heads[extensions]:-}
  # RFC 5235's extensions are off by default in Pigeonhole: always on here.
  ext_args=(-x "+spamtest +spamtestplus +virustest${ext:+ $ext}")
  # RFC 6609 include: the scripts of tests/data/sieve/include, :personal
  # from $W/sieve (Pigeonhole's plugin/sieve dir), :global from $W/global.
  mkdir -p "$W/sieve" "$W/global"
  cp "$data"/include/personal/*.sieve "$W/sieve/"
  cp "$data"/include/global/*.sieve "$W/global/"
  cp "$case" "$W/script.sieve"
  verdict_args=()
  spam=${heads[spam-score]:-}
  virus=${heads[virus-level]:-}
  {
    [ -n "$spam" ] && printf 'X-Harness-Spam-Score: %s\n' "$spam" && verdict_args+=(--spam-score "$spam")
    [ -n "$virus" ] && printf 'X-Harness-Virus-Score: %s\n' "$((virus - 1))" && verdict_args+=(--virus-level "$virus")
    cat "$msg"
  } >"$W/msg.eml"
  chown -R nobody:nogroup "$W"
  rc=0
  setpriv --reuid=nobody --regid=nogroup --clear-groups env -i HOME="$W" PATH=/usr/bin:/bin \
    sieve-test -c /dev/null -C "${ext_args[@]}" "${spam_options[@]}" \
    -o mail_location=maildir:"$W"/Maildir -o postmaster_address=postmaster@example.net \
    -o plugin/sieve=file:"$W"/sieve -o plugin/sieve_global=file:"$W"/global \
    -o plugin/sieve_extensions=+editheader \
    -f "$from" -a "$to" -r "$rcpt" "$W/script.sieve" "$W/msg.eml" >"$W/pigeonhole.out" 2>&1 || rc=$?
  echo "$rc" >"$W/pigeonhole.rc"
  mrc=0
  "$MAILROOM" sieve test --json "${mailbox_args[@]}" "${verdict_args[@]}" --include-dir "$W/sieve" --global-dir "$W/global" -f "$from" -a "$to" -r "$rcpt" "$case" "$W/msg.eml" >"$W/mailroom.json" \
    2>"$W/mailroom.err" || mrc=$?
  if [ "$mrc" -gt 1 ]; then
    fail "$name: mailroom sieve test exited $mrc: $(cat "$W/mailroom.err")"
    continue
  fi
  listed "$name" || check_compile_errors "$name" "$case" "$W" "$rc"
  compared+=("$name")
done

normalise_all "${compared[@]/#/$T/}"
for name in "${compared[@]}"; do
  W="$T/$name"
  theirs="" ours=""
  IFS= read -rd '' theirs <"$W/pigeonhole.norm" || true
  IFS= read -rd '' ours <"$W/mailroom.norm" || true
  if [ "$theirs" = "$ours" ]; then
    if listed "$name"; then
      fail "$name: listed in disagreements.txt but both now say: $(paste -sd'|' "$W/mailroom.norm")"
    else
      agree=$((agree + 1))
    fi
  elif listed "$name"; then
    expected_diff=$((expected_diff + 1))
  else
    fail "$name: pigeonhole [$(paste -sd'|' "$W/pigeonhole.norm")] mailroom [$(paste -sd'|' "$W/mailroom.norm")]"
  fi
done

[ -n "${SIEVE_CASES:-}" ] || [ "$total" -ge 60 ] || fail "only $total cases in $data/cases"

# The command line's own contract (mailroom(1)): exit codes, the text form.
cli() {  # EXPECTED-RC NAME ARGS...
  local want=$1 name=$2 rc=0
  shift 2
  "$MAILROOM" sieve "$@" >"$T/cli.out" 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] || fail "cli $name: exit $rc, want $want: $(head -2 "$T/cli.out")"
}
plain="$data/messages/plain.eml"
printf 'require "fileinto";\nif header :contains "subject" "meeting" {\n  fileinto "Work";\n}\n' >"$T/ok.sieve"
printf 'if exists "a b" { discard; }\n' >"$T/warn.sieve"
printf 'redirect :copy "a@example.com";\n' >"$T/bad.sieve"
cli 0 text test -f a@example.org -r b@example.net "$T/ok.sieve" "$plain"
grep -qx 'fileinto "Work" (line 3)' "$T/cli.out" || fail "cli text: $(cat "$T/cli.out")"
cli 0 warning check "$T/warn.sieve"
grep -q "^$T/warn.sieve:1:4: warning: .*\[bad-header-name\]$" "$T/cli.out" || fail "cli warning: $(cat "$T/cli.out")"
cli 1 error check "$T/ok.sieve" "$T/bad.sieve"
grep -q "^$T/bad.sieve:1:10: error: :copy needs require 'copy' \[missing-require\]$" "$T/cli.out" ||
  fail "cli error: $(cat "$T/cli.out")"
cli 1 compile-error-keeps test --json "$T/bad.sieve" "$plain"
grep -q '^{"actions":\[{"action":"keep","implicit":true,"flags":\[\]}\],"error":{"kind":"compile","code":"missing-require",' \
  "$T/cli.out" || fail "cli json error: $(cat "$T/cli.out")"
# --date sets the clock of currentdate and the local zone (RFC 5260).
printf 'require ["date", "variables", "fileinto"];\nif currentdate :matches "iso8601" "*" { fileinto "${1}"; }\n' >"$T/now.sieve"
cli 0 date-iso8601 test --date 2026-12-07T12:00:00+01:00 "$T/now.sieve" "$plain"
grep -qx 'fileinto "2026-12-07T12:00:00+01:00" (line 2)' "$T/cli.out" || fail "cli --date iso8601: $(cat "$T/cli.out")"
cli 0 date-rfc5322 test --date "Mon, 7 Dec 2026 12:00:00 -0500" "$T/now.sieve" "$plain"
grep -qx 'fileinto "2026-12-07T12:00:00-05:00" (line 2)' "$T/cli.out" || fail "cli --date rfc5322: $(cat "$T/cli.out")"
cli 0 date-alone test --date 2026-12-07 "$T/now.sieve" "$plain"
grep -qx 'fileinto "2026-12-07T00:00:00Z" (line 2)' "$T/cli.out" || fail "cli --date date: $(cat "$T/cli.out")"
cli 64 bad-date test --date tomorrow "$T/now.sieve" "$plain"
cli 64 bad-spam-score test --spam-score high "$T/ok.sieve" "$plain"
cli 64 bad-virus-level test --virus-level 6 "$T/ok.sieve" "$plain"
cli 2 missing-script test "$T/none.sieve" "$plain"
cli 2 missing-file check "$T/none.sieve"
cli 64 no-message test "$T/ok.sieve"
cli 64 bad-option test --frob "$T/ok.sieve" "$plain"
cli 64 no-subcommand
log "$total cases: $agree agree, $expected_diff listed disagreements;" \
  "$lines_compared compile errors on the same line as Pigeonhole's"
[ -n "${SIEVE_CASES:-}" ] || [ "$lines_compared" -ge 10 ] || fail "only $lines_compared compile errors compared"
finish
