#!/usr/bin/env bash
# Dovecot reads the Maildirs the maildir module writes (issue 2, "Maildir,
# done right": "Dovecot and Courier read what we write unchanged, including
# folders and flags"). ORACLES.md, "Dovecot reading our Maildirs".
#
#   dovecot_reads_maildir.sh [PATH/TO/maildir_writer]
#
# 1. Installs Dovecot from scripts/deps/test-maildir.txt if missing.
# 2. Writes a Maildir with tests/unit/maildir/maildir_writer (our module, run
#    as the mail user like a real delivery): INBOX (one new, one \Seen),
#    Junk (\Flagged \Seen), "Lists/Work" (CRLF message), "Ärger".
# 3. Starts a throwaway Dovecot on 127.0.0.1:<free port> (IMAP, TLS cert of
#    its own, passwd-file user, mail_location maildir:~/Maildir).
# 4. With /usr/bin/python3 imaplib: every folder is listed and subscribed,
#    every message has the exact bytes (CRLF-normalised), RFC822.SIZE equal
#    to the CRLF size, and the flags we set; a keyword ($Junk) we deliver as
#    its dovecot-keywords letter shows as $Junk; keywords Dovecot never saw
#    ($Label1, Work) we add to dovecot-keywords under its dotlock, and
#    Dovecot shows them and adds its own beside them; Dovecot logs no error.
# 5. Stops Dovecot, removes everything (and the vmail user if it made it).
# Exit 0 pass, 1 fail, 77 skipped (not root, no package source).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
writer=${1:-${MAILDIR_WRITER:-}}

skip() {  # a failure under scripts/test (MAILROOM_REQUIRE_ALL=1), as in lib/common.sh
  [ "${MAILROOM_REQUIRE_ALL:-0}" = 1 ] && { echo "FATAL: cannot run (MAILROOM_REQUIRE_ALL=1): $*" >&2; exit 1; }
  echo "SKIP: $*" >&2
  exit 77
}
die() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root (Dovecot refuses uid 0 mail, so the test makes a mail user)"
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
if [ -z "$writer" ]; then
  for b in "$repo"/build*/tests/unit/maildir/maildir_writer; do [ -x "$b" ] && writer=$b && break; done
fi
[ -n "$writer" ] && [ -x "$writer" ] || die "maildir_writer not found: build target maildir_writer or pass its path"

# --- 1. Dovecot ---------------------------------------------------------------
need=()
while read -r line; do
  line=${line%%#*}
  for p in $line; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p"); done
done <"$repo/scripts/deps/test-maildir.txt"
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1; } ||
    skip "cannot install ${need[*]}"
fi

# --- scratch, user, clean-up ----------------------------------------------------
T=$(mktemp -d /tmp/dovecot-reads-maildir.XXXXXX)
chmod 0755 "$T"
made_user=0
dovecot_started=0
cleanup() {
  if [ "$dovecot_started" = 1 ]; then
    doveadm -c "$T/dovecot.conf" stop >/dev/null 2>&1
    for _ in $(seq 50); do [ -e "$T/run/master.pid" ] || break; sleep 0.1; done
  fi
  rm -rf "$T"
  [ "$made_user" = 1 ] && userdel vmail >/dev/null 2>&1
  return 0
}
trap cleanup EXIT
if ! id vmail >/dev/null 2>&1; then
  useradd -r -U -M -d /nonexistent -s /usr/sbin/nologin vmail || die "useradd vmail"
  made_user=1
fi
VUID=$(id -u vmail)

# --- 2. the Maildir, written by our module as the mail user ----------------------
mkdir -p "$T/mail/alice" "$T/msg" "$T/run" "$T/state"
chown vmail:vmail "$T/mail/alice"
install -m 0755 "$writer" "$T/maildir_writer"
M="$T/mail/alice/Maildir"

printf 'From: a@example.org\nTo: alice@example.net\nSubject: plain new\nMessage-ID: <1@example.org>\n\nhello\nworld\n' >"$T/msg/inbox-new.eml"
printf 'From: a@example.org\nTo: alice@example.net\nSubject: seen\nMessage-ID: <2@example.org>\n\nalready read\n' >"$T/msg/inbox-seen.eml"
printf 'From: spam@example.com\nTo: alice@example.net\nSubject: junk\nMessage-ID: <3@example.com>\n\nbuy now\n' >"$T/msg/junk.eml"
printf 'From: list@example.org\r\nTo: alice@example.net\r\nSubject: crlf list mail\r\nMessage-ID: <4@example.org>\r\n\r\nline one\r\nline two\r\n' >"$T/msg/work.eml"
printf 'From: a@example.org\nTo: alice@example.net\nSubject: =?utf-8?q?=C3=84rger?=\nMessage-ID: <5@example.org>\n\n\xc3\x84rger, UTF-8 body\n' >"$T/msg/aerger.eml"
chmod 0644 "$T"/msg/*

write() {  # folder flags file [keyword...]
  setpriv --reuid=vmail --regid=vmail --clear-groups env -i PATH=/usr/bin:/bin \
    "$T/maildir_writer" "$M" "$1" "$2" "$T/msg/$3" "${@:4}" || die "maildir_writer $*"
}
write INBOX "" inbox-new.eml
write INBOX S inbox-seen.eml
write Junk FS junk.eml
write Lists/Work "" work.eml
write "Ärger" "" aerger.eml
[ "$(find "$M" -user root | wc -l)" -eq 0 ] || die "files owned by root in the Maildir"
echo "written:"; (cd "$M" && find . -type f | sort | sed 's/^/  /')

# --- 3. a throwaway Dovecot ------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
  -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 || die "openssl req"
echo 'alice:{PLAIN}secret::::::' >"$T/passwd"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$T/dovecot.conf" <<CONF
base_dir = $T/run
state_dir = $T/state
log_path = $T/dovecot.log
instance_name = mailroom-maildir-test-$$
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$T/cert.pem
ssl_key = <$T/key.pem
disable_plaintext_auth = no
first_valid_uid = $VUID
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $T/passwd
}
userdb {
  driver = static
  args = uid=vmail gid=vmail home=$T/mail/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
}
CONF
dovecot -c "$T/dovecot.conf" || die "dovecot did not start: $(cat "$T/dovecot.log" 2>/dev/null)"
dovecot_started=1
for _ in $(seq 50); do
  /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null && break
  sleep 0.1
done

# --- 4. what an IMAP client sees --------------------------------------------------
PORT=$PORT MSG="$T/msg" /usr/bin/python3 - <<'PY' || die "IMAP checks failed (log: $(cat "$T/dovecot.log"))"
import imaplib, os, re, sys

msg_dir = os.environ["MSG"]
def crlf(name):
    data = open(os.path.join(msg_dir, name), "rb").read()
    return re.sub(rb"(?<!\r)\n", b"\r\n", data)

expected = {  # IMAP name (modified UTF-7) -> [(file, flags)]
    "INBOX": [("inbox-new.eml", set()), ("inbox-seen.eml", {"\\Seen"})],
    "Junk": [("junk.eml", {"\\Flagged", "\\Seen"})],
    "Lists/Work": [("work.eml", set())],
    "&AMQ-rger": [("aerger.eml", set())],
}
problems = []
imap = imaplib.IMAP4("127.0.0.1", int(os.environ["PORT"]))
imap.login("alice", "secret")

def names(kind):
    typ, lines = getattr(imap, kind)()
    out = set()
    for line in lines:
        m = re.match(rb'\(.*?\) "(.)" (.*)$', line)
        n = m.group(2).decode()
        out.add(n[1:-1] if n.startswith('"') else n)
    return out

listed = names("list")
subscribed = names("lsub")
print("LIST:", sorted(listed))
print("LSUB:", sorted(subscribed))
for box in expected:
    if box not in listed:
        problems.append("not listed: " + box)
    if box != "INBOX" and box not in subscribed:
        problems.append("not subscribed: " + box)

for box, messages in expected.items():
    typ, data = imap.select('"%s"' % box, readonly=False)
    if typ != "OK":
        problems.append("cannot select %s: %r" % (box, data))
        continue
    if int(data[0]) != len(messages):
        problems.append("%s: %s messages, want %d" % (box, data[0].decode(), len(messages)))
        continue
    for seq, (name, flags) in enumerate(messages, 1):
        typ, resp = imap.fetch(str(seq), "(FLAGS RFC822.SIZE BODY.PEEK[])")
        meta = resp[0][0].decode()
        body = resp[0][1]
        size = int(re.search(r"RFC822\.SIZE (\d+)", meta).group(1))
        got_flags = set(re.search(r"FLAGS \(([^)]*)\)", meta).group(1).split()) - {"\\Recent"}
        want = crlf(name)
        print("%-11s #%d %-16s size %4d flags %s" % (box, seq, name, size, sorted(got_flags)))
        if body != want:
            problems.append("%s #%d: body differs" % (box, seq))
        if size != len(want):
            problems.append("%s #%d: RFC822.SIZE %d, want %d" % (box, seq, size, len(want)))
        if got_flags != flags:
            problems.append("%s #%d: flags %s, want %s" % (box, seq, sorted(got_flags), sorted(flags)))
imap.logout()
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
PY
# --- 4b. keywords Dovecot numbered in dovecot-keywords ----------------------------
# An IMAP client sets $Junk (Dovecot writes "0 $Junk" under its own lock);
# then our module delivers with keyword $Junk, which must arrive as $Junk,
# and NotYetKnown, which we add to the file at the next free index.
PORT=$PORT /usr/bin/python3 - <<'PY' || die "IMAP STORE \$Junk failed"
import imaplib, os
imap = imaplib.IMAP4("127.0.0.1", int(os.environ["PORT"]))
imap.login("alice", "secret")
imap.select("Junk")
typ, _ = imap.store("1", "+FLAGS", "($Junk)")
assert typ == "OK"
imap.logout()
PY
grep -q '^[0-9]* \$Junk$' "$M/.Junk/dovecot-keywords" || die "Dovecot did not record \$Junk in dovecot-keywords"
printf 'From: spam@example.com\nTo: alice@example.net\nSubject: junk 2\nMessage-ID: <6@example.com>\n\nagain\n' >"$T/msg/junk2.eml"
chmod 0644 "$T/msg/junk2.eml"
write Junk S junk2.eml '$Junk' 'NotYetKnown'
PORT=$PORT /usr/bin/python3 - <<'PY' || die "keyword delivered by us not seen by Dovecot"
import imaplib, os, re, sys
imap = imaplib.IMAP4("127.0.0.1", int(os.environ["PORT"]))
imap.login("alice", "secret")
typ, data = imap.select("Junk")
assert int(data[0]) == 2, data
typ, resp = imap.fetch("2", "(FLAGS)")
flags = set(re.search(rb"FLAGS \(([^)]*)\)", resp[0]).group(1).decode().split()) - {"\\Recent"}
print("Junk        #2 junk2.eml        flags", sorted(flags))
imap.logout()
sys.exit(0 if flags == {"\\Seen", "$Junk", "NotYetKnown"} else 1)
PY
grep -q '^[0-9]* NotYetKnown$' "$M/.Junk/dovecot-keywords" || die "NotYetKnown not added to dovecot-keywords"

# --- 4c. keywords Dovecot never saw: we add them to dovecot-keywords under its
# dotlock (Sieve imap4flags "$Label1", "Work"), Dovecot shows them, and then
# adds one of its own without disturbing ours.
printf 'From: boss@example.org\nTo: alice@example.net\nSubject: labelled\nMessage-ID: <7@example.org>\n\nlabels\n' >"$T/msg/labelled.eml"
chmod 0644 "$T/msg/labelled.eml"
write INBOX "" labelled.eml '$Label1' 'Work'
[ -e "$M/dovecot-keywords.lock" ] && die "our dovecot-keywords.lock was left behind"
ls "$M/cur" | grep -q ':2,ab$' || die "INBOX copy not named with letters a and b: $(ls "$M/cur")"
PORT=$PORT /usr/bin/python3 - <<'PY' || die "keywords we added not seen by Dovecot"
import imaplib, os, re, sys
imap = imaplib.IMAP4("127.0.0.1", int(os.environ["PORT"]))
imap.login("alice", "secret")
typ, data = imap.select("INBOX")
n = data[0].decode()
typ, resp = imap.fetch(n, "(FLAGS)")
flags = set(re.search(rb"FLAGS \(([^)]*)\)", resp[0]).group(1).decode().split()) - {"\\Recent"}
print("INBOX       #%s labelled.eml     flags" % n, sorted(flags))
if flags != {"$Label1", "Work"}:
    sys.exit(1)
typ, _ = imap.store(n, "+FLAGS", "(Later)")
assert typ == "OK"
typ, resp = imap.fetch(n, "(FLAGS)")
flags = set(re.search(rb"FLAGS \(([^)]*)\)", resp[0]).group(1).decode().split()) - {"\\Recent"}
imap.logout()
sys.exit(0 if flags == {"$Label1", "Work", "Later"} else 1)
PY
for k in '0 \$Label1' '1 Work' '[0-9]* Later'; do
  grep -q "^$k\$" "$M/dovecot-keywords" || die "dovecot-keywords lacks '$k': $(cat "$M/dovecot-keywords")"
done

if grep -E "(Error|Panic|Fatal|Warning):" "$T/dovecot.log" | grep -v "SSL_accept" >&2; then
  die "Dovecot complained about our files"
fi
# Dovecot moved what we put in new/ to cur/ and did not rewrite our names.
[ -z "$(ls -A "$M/new")" ] || die "INBOX new/ not emptied by Dovecot's sync"
ls "$M/cur" | grep -q ',S=[0-9]*,W=[0-9]*:2,S$' || die "our S=/W= name for the \\Seen message is gone"
echo "PASS: Dovecot reads INBOX, Junk, Lists/Work and Ärger as written"
