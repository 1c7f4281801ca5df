#!/usr/bin/python3
"""Every IMAP command of `mailroom serve` through Python's imaplib (and raw
sockets where imaplib hides the wire: literals, limits, STARTTLS injection).
Used by tests/integration/serve_imap.sh; prints "ok: ..." / "FAIL: ..." and
exits 1 on any failure.

Arguments: PORT SPORT STRICT_PORT USER_A USER_B MAILDIR_A
Environment: DELIVER_A (a shell command delivering one message to A, with
X-Test-Id: idle1) for the IDLE check.
"""
import imaplib
import os
import re
import socket
import ssl
import sys
import time

port, sport, strict = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
user_a, user_b, maildir_a = sys.argv[4], sys.argv[5], sys.argv[6]
failures = 0


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures += 1


ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE


def stored(maildir, test_id):
    """The bytes of the delivered message with this X-Test-Id."""
    for sub in ("new", "cur"):
        for name in os.listdir(os.path.join(maildir, sub)):
            data = open(os.path.join(maildir, sub, name), "rb").read()
            if b"X-Test-Id: " + test_id.encode() + b"\n" in data:
                return data, name
    return None, None


def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def names(listing):
    out = {}
    for line in listing:
        m = re.match(rb'\(([^)]*)\) "\." "?([^"]*)"?$', line)
        if m:
            out[m.group(2).decode()] = m.group(1).decode().split()
    return out


def fetch_map(data):
    """imaplib FETCH data -> {seq: (meta bytes, literal bytes or None)}."""
    out = {}
    for item in data:
        if isinstance(item, tuple):
            seq = int(item[0].split()[0])
            out[seq] = (item[0], item[1])
        elif item and item != b")":
            seq = int(item.split()[0])
            out[seq] = (item, None)
    return out


def login(p=None):
    m = imaplib.IMAP4("127.0.0.1", p or port, timeout=10)
    m.login(user_a, "pw-of-a")
    return m


# -- not authenticated: greeting, CAPABILITY, NOOP, ID, LOGIN, LOGOUT
m = imaplib.IMAP4("127.0.0.1", port, timeout=10)
check(m.welcome.startswith(b"* OK [CAPABILITY IMAP4rev1"), "greeting carries CAPABILITY")
for cap in ("IMAP4REV1", "LITERAL+", "SASL-IR", "IDLE", "ID", "ENABLE", "NAMESPACE", "STARTTLS",
            "AUTH=PLAIN"):
    check(cap in m.capabilities, "CAPABILITY before login has " + cap)
check(m.noop()[0] == "OK", "NOOP before login")
typ, data = m.xatom("ID", "NIL")
check(typ == "OK" and b'"name" "mailroom"' in m.untagged_responses.get("ID", [b""])[0],
      "ID answers the server name")
try:
    m.select("INBOX")
    check(False, "SELECT before login refused")
except imaplib.IMAP4.error:
    check(True, "SELECT before login refused")
typ, data = m.login(user_a, "pw-of-a")
check(typ == "OK" and b"[CAPABILITY" in data[0], "LOGIN: tagged OK with CAPABILITY: " + data[0].decode())
typ, data = m.capability()
for cap in ("UIDPLUS", "MOVE", "UNSELECT", "SPECIAL-USE", "IDLE", "BINARY"):
    check(cap in data[0].decode().split(), "CAPABILITY after login has " + cap)
check("STARTTLS" not in data[0].decode().split(), "no STARTTLS after login")
typ, data = m.namespace()
check(data[0] == b'(("" ".")) NIL NIL', "NAMESPACE: " + data[0].decode())
typ, data = m.enable("CONDSTORE")
check(typ == "OK", "ENABLE (nothing to enable) OK")

# -- mailboxes: CREATE, LIST with SPECIAL-USE, LSUB, SUBSCRIBE, RENAME, DELETE, STATUS
for box in ("Junk", "Sent", "Trash", "Drafts", "Archive", "Work", "Work.Sub", "&AMQ-rger"):
    check(m.create(box)[0] == "OK", "CREATE " + box)
check(os.path.isdir(os.path.join(maildir_a, ".&AMQ-rger", "cur")), "CREATE: modified UTF-7 folder on disk")
check(os.path.isdir(os.path.join(maildir_a, ".Work.Sub", "new")), "CREATE Work.Sub is .Work.Sub")
check(m.create("Work")[0] == "NO", "CREATE of an existing mailbox: NO")
check(m.create("INBOX")[0] == "NO", "CREATE INBOX: NO")
typ, data = m.list('""', "*")
listed = names(data)
check(set(listed) == {"INBOX", "Junk", "Sent", "Trash", "Drafts", "Archive", "Work", "Work.Sub",
                      "&AMQ-rger"}, "LIST * lists every folder: " + " ".join(sorted(listed)))
for box, use in (("Junk", "\\Junk"), ("Sent", "\\Sent"), ("Trash", "\\Trash"),
                 ("Drafts", "\\Drafts"), ("Archive", "\\Archive")):
    check(use in listed.get(box, []), "LIST: %s has %s (RFC 6154)" % (box, use))
check("\\HasChildren" in listed["Work"] and "\\HasNoChildren" in listed["Work.Sub"],
      "LIST: \\HasChildren / \\HasNoChildren")
typ, data = m.list('""', "%")
check("Work.Sub" not in names(data) and "Work" in names(data), "LIST %: one level")
typ, data = m.list("Work.", "%")
check(set(names(data)) == {"Work.Sub"}, "LIST with a reference: Work.%")
typ, data = m.list('""', "inbox")
check(set(names(data)) == {"INBOX"}, "LIST inbox: INBOX in any case")
typ, data = m.list('""', '""')
check(data[0] == b'(\\Noselect) "." ""', "LIST \"\" \"\": the separator")
check(m.subscribe("Work")[0] == "OK" and m.subscribe("Junk")[0] == "OK", "SUBSCRIBE")
typ, data = m.lsub('""', "*")
check(set(names(data)) == {"Work", "Junk"}, "LSUB lists the subscriptions: %s" % data)
sub_file = open(os.path.join(maildir_a, "subscriptions"), "rb").read()
check(sub_file.startswith(b"V\t2\n\n") and b"Work\n" in sub_file, "subscriptions in Dovecot's format")
check(m.unsubscribe("Work")[0] == "OK", "UNSUBSCRIBE")
typ, data = m.lsub('""', "*")
check(set(names(data)) == {"Junk"}, "LSUB after UNSUBSCRIBE")
check(m.rename("Work", "Job")[0] == "OK", "RENAME Work Job")
typ, data = m.list('""', "*")
check("Job.Sub" in names(data) and "Work" not in names(data) and "Work.Sub" not in names(data),
      "RENAME moves the inferior folders too")
check(m.rename("Job", "Junk")[0] == "NO", "RENAME onto an existing mailbox: NO")
check(m.delete("Job.Sub")[0] == "OK" and m.delete("Job")[0] == "OK", "DELETE")
check(not os.path.exists(os.path.join(maildir_a, ".Job")), "DELETE removed the directory")
check(m.delete("Job")[0] == "NO", "DELETE of a missing mailbox: NO")
check(m.delete("INBOX")[0] == "NO", "DELETE INBOX: NO")
typ, data = m.status("INBOX", "(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)")
st = data[0].decode()
check(typ == "OK" and "MESSAGES 3" in st and "UIDNEXT 4" in st and "UNSEEN 3" in st,
      "STATUS INBOX: " + st)
validity = int(re.search(r"UIDVALIDITY (\d+)", st).group(1))

# -- path traversal: mailbox names, LIST patterns, APPEND
for bad in ("../x", "..", ".", "a/b", "~root", "INBOX/../../x", "Work..x", "*", "%x"):
    typ, _ = m.create(bad)
    check(typ in ("NO", "BAD"), "CREATE %r refused" % bad)
for bad in ("../" + os.path.basename(maildir_a), "/etc", "..", "../../etc/passwd"):
    typ, _ = m.select(bad)
    check(typ in ("NO", "BAD"), "SELECT %r refused" % bad)
    typ, _ = m.append(bad, None, None, b"Subject: x\r\n\r\nx\r\n")
    check(typ in ("NO", "BAD"), "APPEND to %r refused" % bad)
for ref, pat in (("../", "*"), ("/", "*"), ('""', "../*"), ('""', "/etc/*"), ("~", "*")):
    typ, data = m.list(ref, pat)
    check(typ == "OK" and all(d is None for d in data), "LIST %r %r lists nothing" % (ref, pat))
os.symlink("/etc", os.path.join(maildir_a, ".Evil"))
typ, data = m.list('""', "*")
check("Evil" not in names(data), "a symlinked folder directory is not listed")
check(m.select("Evil")[0] == "NO", "a symlinked folder directory cannot be selected")
os.unlink(os.path.join(maildir_a, ".Evil"))

# -- SELECT, FETCH
typ, data = m.select("INBOX")
check(typ == "OK" and data[0] == b"3", "SELECT INBOX: 3 EXISTS")
check(m.untagged_responses.get("UIDVALIDITY", [b"0"])[0] == str(validity).encode(),
      "SELECT: UIDVALIDITY as STATUS said")
typ, data = m.fetch("1:*", "(UID FLAGS RFC822.SIZE INTERNALDATE)")
f = fetch_map(data)
check(len(f) == 3 and all(b"UID %d " % i in f[i][0] for i in (1, 2, 3)), "FETCH UID 1..3")
a1, a1_name = stored(maildir_a, "a1")
check(b"RFC822.SIZE %d" % len(crlf(a1)) in f[1][0], "RFC822.SIZE counts CRLF")
check(re.search(rb'INTERNALDATE "\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d \+0000"', f[1][0]),
      "INTERNALDATE format")
check(b"\\Recent" in f[1][0], "new messages are \\Recent")
check(a1_name.endswith(":2,") and True, "SELECT moved new/ to cur/ (%s)" % a1_name)
typ, data = m.fetch("1", "(BODY.PEEK[])")
check(data[0][1] == crlf(a1), "BODY.PEEK[] is the stored message with CRLF")
typ, data = m.fetch("1", "(FLAGS)")
check(b"\\Seen" not in data[0], "BODY.PEEK does not set \\Seen")
typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (Subject X-Test-Id)])")
check(data[0][1] == b"Subject: imap a1\r\nX-Test-Id: a1\r\n\r\n", "BODY[HEADER.FIELDS (...)]: %r" % data)
typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS.NOT (Subject X-Test-Id From To Date)])")
check(b"Subject" not in data[0][1] and b"X-Test-Id" not in data[0][1], "BODY[HEADER.FIELDS.NOT]")
typ, data = m.fetch("1", "(BODY.PEEK[TEXT]<0.5>)")
check(data[0][1] == crlf(a1).split(b"\r\n\r\n", 1)[1][:5] and b"<0>" in data[0][0],
      "BODY[TEXT]<0.5> partial")
typ, data = m.fetch("1", "(RFC822.HEADER)")
check(data[0][1] == crlf(a1).split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n", "RFC822.HEADER: %r" % data)
typ, data = m.fetch("1", "(ENVELOPE)")
check(b'"imap a1"' in data[0] and b'(("Sender Name" NIL "s" "example.com"))' in data[0],
      "ENVELOPE: " + data[0].decode(errors="replace")[:200])
typ, data = m.fetch("3", "(BODYSTRUCTURE)")
bs = data[0].decode(errors="replace")
check('("TEXT" "PLAIN" ("CHARSET" "UTF-8")' in bs and '"MIXED"' in bs and '"APPLICATION" "OCTET-STREAM"' in bs,
      "BODYSTRUCTURE of a multipart: " + bs[:300])
typ, data = m.fetch("3", "(BODY.PEEK[2])")
check(data[0][1] == b"QUJD", "BODY[2]: the second part, still encoded")
typ, data = m.fetch("3", "(BODY.PEEK[1.MIME])")
check(data[0][1].startswith(b"Content-Type: text/plain"), "BODY[1.MIME]")
# BINARY (RFC 3516): the part with its transfer encoding undone
typ, data = m.fetch("3", "(BINARY.PEEK[2] BINARY.SIZE[2])")
check(typ == "OK" and data[0][1] == b"ABC" and b"BINARY[2] {3}" in data[0][0],
      "BINARY.PEEK[2]: the base64 part decoded: %r" % data)
check(b"BINARY.SIZE[2] 3" in b"".join(d if isinstance(d, bytes) else d[0] + d[1] for d in data),
      "BINARY.SIZE[2]: the decoded size: %r" % data)
typ, data = m.fetch("3", "(BINARY.PEEK[2]<1.5>)")
check(typ == "OK" and data[0][1] == b"BC" and b"BINARY[2]<1>" in data[0][0],
      "BINARY.PEEK[2]<1.5>: partial of the decoded bytes: %r" % data)
typ, data = m.fetch("3", "(BINARY.PEEK[1])")
check(typ == "OK" and data[0][1].startswith(b"hello"), "BINARY.PEEK[1]: a 7bit part as it is")
typ, data = m.fetch("3", "(FLAGS)")
check(b"\\Seen" not in data[0], "BINARY.PEEK does not set \\Seen")
for bad_item in ("BINARY.PEEK[1.MIME]", "BINARY[HEADER]", "BINARY.SIZE[2]<0.1>"):
    try:
        m.fetch("3", "(%s)" % bad_item)
        check(False, "FETCH %s refused (section-binary is part numbers only)" % bad_item)
    except imaplib.IMAP4.error:
        check(True, "FETCH %s refused (section-binary is part numbers only)" % bad_item)
typ, data = m.fetch("2", "(BODY[])")
check(b"\\Seen" in data[0][0] or b"\\Seen" in data[1], "BODY[] sets \\Seen, FLAGS in the answer: %r" % data)
typ, data = m.fetch("1:3", "FAST")
check(len(fetch_map(data)) == 3, "FETCH FAST macro")
try:
    typ, data = m.fetch("4", "(FLAGS)")
    check(False, "FETCH of a message number beyond the mailbox refused")
except imaplib.IMAP4.error:
    check(True, "FETCH of a message number beyond the mailbox refused")

# -- STORE: system flags, keywords through dovecot-keywords, SILENT, -FLAGS
typ, data = m.store("1", "+FLAGS", "(\\Flagged $Junk)")
check(typ == "OK" and b"\\Flagged" in data[0] and b"$Junk" in data[0], "STORE +FLAGS with a keyword")
kw = open(os.path.join(maildir_a, "dovecot-keywords")).read()
check(re.search(r"^\d+ \$Junk$", kw, re.M) is not None, "keyword written to dovecot-keywords")
_, name = stored(maildir_a, "a1")
check(re.search(r":2,F[a-z]$", name) is not None, "flag letters in the file name: " + name)
typ, data = m.store("1", "-FLAGS.SILENT", "($Junk)")
check(typ == "OK" and not data[0], "STORE -FLAGS.SILENT sends nothing")
_, name = stored(maildir_a, "a1")
check(name.endswith(":2,F"), "-FLAGS removed the keyword letter: " + name)
typ, data = m.store("1", "FLAGS", "(\\Answered \\Draft)")
check(b"\\Answered" in data[0] and b"\\Flagged" not in data[0], "STORE FLAGS replaces")
m.store("1", "FLAGS", "(\\Seen)")

# -- SEARCH: the RFC 3501 keys
def search(*keys):
    typ, data = m.search(None, *keys)
    return typ, [int(x) for x in data[0].split()] if typ == "OK" else None

cases = [
    (("ALL",), [1, 2, 3]), (("SEEN",), [1, 2]), (("UNSEEN",), [3]), (("SUBJECT", '"imap a2"'), [2]),
    (("FROM", "sender"), [1, 2, 3]), (("HEADER", "X-Test-Id", "a3"), [3]), (("BODY", "unique-word"), [2]),
    (("TEXT", "unique-word"), [2]), (("NOT", "SEEN"), [3]), (("OR", "UID", "1", "UID", "3"), [1, 3]),
    (("UID", "2:*"), [2, 3]), (("2:3",), [2, 3]), (("LARGER", "100000"), []), (("SMALLER", "100000"), [1, 2, 3]),
    (("SINCE", "1-Jan-2000"), [1, 2, 3]), (("BEFORE", "1-Jan-2000"), []), (("SENTSINCE", "1-Jan-2020"), [1, 2, 3]),
    (("SENTBEFORE", "1-Jan-2020"), []), (("ANSWERED",), []), (("FLAGGED",), []), (("DELETED",), []),
    (("UNDELETED",), [1, 2, 3]), (("DRAFT",), []), (("UNDRAFT",), [1, 2, 3]), (("RECENT",), [1, 2, 3]),
    (("NEW",), [3]), (("OLD",), []), (("KEYWORD", "$Junk"), []), (("UNKEYWORD", "$Junk"), [1, 2, 3]),
    (("TO", user_a), [1, 2, 3]), (("CC", "nobody"), []), (("BCC", "nobody"), []),
    (("(SEEN SUBJECT a1)",), [1]), (("CHARSET", "UTF-8", "SUBJECT", "a3"), [3]),
    (("ON", time.strftime("%d-%b-%Y", time.gmtime())), [1, 2, 3]),
    (("SENTON", "5-Dec-2026"), [1, 2, 3]),
]
for keys, want in cases:
    typ, got = search(*keys)
    check(got == want, "SEARCH %s -> %s (want %s)" % (" ".join(keys), got, want))
typ, data = m.search("KOI8-R", "ALL")
check(typ == "NO", "SEARCH with an unknown charset: NO [BADCHARSET]")
typ, data = m.uid("SEARCH", "SUBJECT", "a2")
check(data[0] == b"2", "UID SEARCH returns UIDs")

# -- UID variants, COPY, MOVE with COPYUID
typ, data = m.uid("FETCH", "3", "(FLAGS)")
check(b"UID 3" in data[0], "UID FETCH includes UID")
typ, data = m.uid("STORE", "3", "+FLAGS", "(\\Flagged)")
check(b"UID 3" in data[0] and b"\\Flagged" in data[0], "UID STORE")
typ, data = m.copy("1", "Junk")
check(typ == "OK" and re.search(rb"\[COPYUID \d+ 1 1\]", data[0]), "COPY with COPYUID: %s" % data)
typ, data = m.status("Junk", "(MESSAGES)")
check(b"MESSAGES 1" in data[0], "the copy is in Junk")
typ, data = m.uid("MOVE", "2", "Trash")
check(typ == "OK", "UID MOVE")
check(re.search(rb"\[COPYUID \d+ 2 1\]", b" ".join(m.untagged_responses.get("OK", []))) is not None,
      "MOVE: untagged COPYUID")
typ, data = m.fetch("1:*", "(UID)")
check(sorted(fetch_map(data)) == [1, 2] and b"UID 3" in data[1], "MOVE expunged the source")
typ, data = m.copy("1", "Nowhere")
check(typ == "NO" and b"[TRYCREATE]" in data[0], "COPY to a missing mailbox: NO [TRYCREATE]")
typ, data = m.copy("1", "INBOX")
check(typ == "OK", "COPY into the selected mailbox")
typ, data = m.fetch("1:*", "(UID)")
check(len(fetch_map(data)) == 3, "the copy is a new message of the selected mailbox")

# -- APPEND with flags and date, APPENDUID
msg = b"From: app@example.com\r\nSubject: appended\r\nX-Test-Id: ap1\r\n\r\nappended body\r\n"
typ, data = m.append("INBOX", "(\\Seen $Label1)", '"05-Dec-2026 10:11:12 +0100"', msg)
match = re.search(rb"\[APPENDUID (\d+) (\d+)\]", data[0])
check(typ == "OK" and match and int(match.group(1)) == validity, "APPEND: APPENDUID %s" % data)
appended_uid = int(match.group(2)) if match else 0
typ, data = m.uid("FETCH", str(appended_uid), "(FLAGS INTERNALDATE BODY.PEEK[])")
check(data[0][1] == msg and b"\\Seen" in data[0][0] and b"$Label1" in data[0][0],
      "the appended message, flags kept")
check(b'"05-Dec-2026 09:11:12 +0000"' in data[0][0], "APPEND date-time is the INTERNALDATE")
check(m.append("Nowhere", None, None, msg)[0] == "NO", "APPEND to a missing mailbox: NO [TRYCREATE]")

# -- EXPUNGE, UID EXPUNGE, CHECK, CLOSE, UNSELECT, EXAMINE
count = int(m.select("INBOX")[1][0])
m.store("1", "+FLAGS", "(\\Deleted)")
typ, data = m.expunge()
check(typ == "OK" and data == [b"1"], "EXPUNGE: * 1 EXPUNGE")
m.store("1:2", "+FLAGS", "(\\Deleted)")
uids = fetch_map(m.fetch("1:2", "(UID)")[1])
second_uid = int(re.search(rb"UID (\d+)", uids[2][0]).group(1))
typ, data = m.uid("EXPUNGE", str(second_uid))
check(typ == "OK" and m.untagged_responses.pop("EXPUNGE", None) == [b"2"],
      "UID EXPUNGE removes only the named UID")
check(m.check()[0] == "OK", "CHECK")
typ, data = m.fetch("1", "(FLAGS)")
check(b"\\Deleted" in data[0], "message 1 still \\Deleted")
check(m.unselect()[0] == "OK", "UNSELECT")
typ, data = m.select("INBOX")
check(int(data[0]) == count - 2, "UNSELECT did not expunge")
check(m.close()[0] == "OK", "CLOSE")
typ, data = m.select("INBOX", readonly=True)
check(typ == "OK" and int(data[0]) == count - 3, "CLOSE expunged \\Deleted; EXAMINE")
check(m.store("1", "+FLAGS", "(\\Seen)")[0] == "NO", "STORE in an EXAMINEd mailbox: NO")
typ, data = m.fetch("1:*", "(UID)")
uids_before = sorted(int(u) for u in re.findall(rb"UID (\d+)", b" ".join(data)))
m.logout()

# -- UIDs stable across sessions and deliveries; IDLE sees a delivery
m = login()
typ, data = m.select("INBOX")
typ, data = m.fetch("1:*", "(UID)")
check(sorted(int(u) for u in re.findall(rb"UID (\d+)", b" ".join(data))) == uids_before,
      "UIDs stable across sessions")
check(m.untagged_responses.get("UIDVALIDITY", [b"0"])[0] == str(validity).encode(),
      "UIDVALIDITY stable across sessions")
tag = m._new_tag()
m.send(tag + b" IDLE\r\n")
check(m.readline().startswith(b"+"), "IDLE: continuation")
start = time.monotonic()
os.system(os.environ["DELIVER_A"])
line = m.readline()
elapsed = time.monotonic() - start
check(re.match(rb"\* \d+ EXISTS", line) is not None and elapsed < 2.5,
      "IDLE: a delivery shows up in %.2f s (%s)" % (elapsed, line))
m.send(b"DONE\r\n")
while True:
    line = m.readline()
    if line.startswith(tag):
        break
check(b"OK" in line, "IDLE ended by DONE")
typ, data = m.fetch("1:*", "(UID)")
new_uids = sorted(int(u) for u in re.findall(rb"UID (\d+)", b" ".join(data)))
check(new_uids[:-1] == uids_before and new_uids[-1] > max(uids_before + [appended_uid]),
      "the delivered message got a new, higher UID")
typ, data = m.status("INBOX", "(UIDVALIDITY)")
check(str(validity).encode() in data[0], "UIDVALIDITY unchanged by the delivery")
check(m.logout()[0] == "BYE", "LOGOUT")

# -- concurrent deliveries while two sessions sync: every message gets one
# UID, and every session (and a later one) agrees on it
import subprocess


def uid_map(conn):
    typ, data = conn.fetch("1:*", "(UID BODY.PEEK[HEADER.FIELDS (X-Test-Id)])")
    out = {}
    for item in data:
        if isinstance(item, tuple):
            uid = int(re.search(rb"UID (\d+)", item[0]).group(1))
            out[uid] = item[1].strip().decode()
    return out


m1, m2 = login(), login()
m1.select("INBOX")
m2.select("INBOX")
procs = [subprocess.Popen(["sh", "-c", os.environ["DELIVER_N"], "sh", "c%d" % i]) for i in range(12)]
while any(p.poll() is None for p in procs):
    m1.noop()
    m2.noop()
check(all(p.returncode == 0 for p in procs), "12 concurrent deliveries")
m1.noop()
m2.noop()
map1, map2 = uid_map(m1), uid_map(m2)
m3 = login()
m3.select("INBOX")
map3 = uid_map(m3)
ids = sorted(v for v in map1.values() if v.startswith("X-Test-Id: c"))
check(len(ids) == 12 and len(set(ids)) == 12, "each delivered message listed once: %d" % len(ids))
check(map1 == map2 == map3, "sessions syncing during the deliveries agree on every UID")
for conn in (m1, m2, m3):
    conn.logout()

# -- AUTHENTICATE PLAIN (with SASL-IR and with a continuation), STARTTLS, IMAPS
m = imaplib.IMAP4("127.0.0.1", port, timeout=10)
typ, data = m.authenticate("PLAIN", lambda _: ("\0%s\0pw-of-a" % user_a).encode())
check(typ == "OK", "AUTHENTICATE PLAIN")
m.logout()


def raw(p, lines, tls=False, greeting=True):
    s = socket.create_connection(("127.0.0.1", p), 10)
    if tls:
        s = ctx.wrap_socket(s)
    f = s.makefile("rb")
    out = [f.readline()] if greeting else []
    for l in lines:
        s.sendall(l)
        out.append(f.readline())
    s.close()
    return [o.decode(errors="replace").rstrip("\r\n") for o in out]


import base64
# APPEND with a literal8 (RFC 3516 section 4.4), then BINARY of a part
# whose decoded content holds a NUL: sent as a literal8 ~{n}
nul_msg = (b"From: s@example.com\r\nSubject: binary\r\nX-Test-Id: bin1\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"z\"\r\n\r\n--z\r\n"
           b"Content-Type: text/plain\r\n\r\nsee attachment\r\n--z\r\n"
           b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.b64encode(b"A\0B") + b"\r\n--z--\r\n")
s = socket.create_connection(("127.0.0.1", port), 10)
f = s.makefile("rb")
f.readline()
s.sendall(b"a LOGIN %s pw-of-a\r\na2 CREATE Bin\r\nb APPEND Bin ~{%d}\r\n"
          % (user_a.encode(), len(nul_msg)))
r = [f.readline(), f.readline(), f.readline()]
s.sendall(nul_msg + b"\r\nc SELECT Bin\r\n")
r.append(f.readline())
while not r[-1].startswith(b"c "):
    r.append(f.readline())
s.sendall(b"d FETCH * (BINARY.PEEK[2])\r\n")
got = b""
while b"\r\nd " not in got:
    got += s.recv(65536)
s.close()
check(r[0].startswith(b"a OK") and r[1].startswith(b"a2 OK") and r[2].startswith(b"+")
      and r[3].startswith(b"b OK"), "APPEND with a literal8 ~{n}: %s" % r[:4])
check(b"BINARY[2] ~{3}\r\nA\0B)" in got and b"\r\nd OK" in got,
      "BINARY of content with a NUL comes as a literal8: %r" % got[-120:])
plain = base64.b64encode(("\0%s\0pw-of-a" % user_a).encode())
r = raw(port, [b"a AUTHENTICATE PLAIN " + plain + b"\r\n"])
check(r[1].startswith("a OK"), "AUTHENTICATE PLAIN with SASL-IR: " + r[1])
other = base64.b64encode(("%s\0%s\0pw-of-a" % (user_b, user_a)).encode())
r = raw(port, [b"a AUTHENTICATE PLAIN\r\n", other + b"\r\n"])
check(r[1] == "+" or r[1] == "+ ", "AUTHENTICATE PLAIN continuation")
check(r[2].startswith("a NO"), "AUTHENTICATE as another authzid refused: " + r[2])
r = raw(port, [b"a AUTHENTICATE PLAIN\r\n", b"*\r\n"])
check(r[2].startswith("a BAD"), "AUTHENTICATE cancelled with *")
r = raw(port, [b"a LOGIN %s wrong\r\n" % user_a.encode()])
check(r[1].startswith("a NO [AUTHENTICATIONFAILED]"), "wrong password: " + r[1])
# literals: synchronizing, LITERAL+, limits
u = user_a.encode()
s = socket.create_connection(("127.0.0.1", port), 10)
f = s.makefile("rb")
f.readline()
s.sendall(b"a LOGIN {%d}\r\n" % len(u))
r = [f.readline()]
s.sendall(u + b" {7+}\r\npw-of-a\r\nb NOOP\r\n")
r += [f.readline(), f.readline()]
s.close()
check(r[0].startswith(b"+") and r[1].startswith(b"a OK") and r[2].startswith(b"b OK"),
      "LOGIN with a synchronizing literal and a LITERAL+ one: %s" % r)
r = raw(port, [b"a NOOP " + b"x" * 20000 + b"\r\n", b"b NOOP\r\n"])
check(r[1].startswith("a BAD") and r[2].startswith("b OK"), "over-long line: BAD, session goes on")
r = raw(port, [b"a LOGIN {99999999}\r\n", b"b NOOP\r\n"])
check(r[1].startswith("a NO [TOOBIG]") and r[2].startswith("b OK"), "literal too big: NO [TOOBIG]")
r = raw(port, [b"a LOGIN \"unterminated\r\n", b"a2 FOO\r\n"])
check(r[1].startswith("a BAD") and r[2].startswith("a2 BAD"), "syntax errors: BAD with the tag")
# pipelined after LOGIN: the session gets them
s = socket.create_connection(("127.0.0.1", port), 10)
f = s.makefile("rb")
f.readline()
s.sendall(b"a LOGIN %s pw-of-a\r\nb SELECT INBOX\r\nc LOGOUT\r\n" % u)
got = b""
while b"c OK" not in got:
    chunk = s.recv(65536)
    if not chunk:
        break
    got += chunk
check(b"a OK" in got and b"b OK [READ-WRITE]" in got and b"c OK" in got, "pipelined LOGIN/SELECT/LOGOUT")
s.close()
m = imaplib.IMAP4("127.0.0.1", port, timeout=10)
m.starttls(ctx)
check(m.sock.version() in ("TLSv1.2", "TLSv1.3"), "STARTTLS: " + str(m.sock.version()))
check("STARTTLS" not in m.capabilities or True, "after STARTTLS")
typ, data = m.capability()
check("STARTTLS" not in data[0].decode(), "no STARTTLS in CAPABILITY after TLS")
m.login(user_b, "pw-of-b")
typ, data = m.select("INBOX")
check(data[0] == b"1", "B over STARTTLS sees only its own message")
typ, data = m.fetch("1", "(BODY.PEEK[TEXT])")
check(b"secret of b" in data[0][1], "B reads its message")
m.logout()
m = imaplib.IMAP4_SSL("127.0.0.1", sport, ssl_context=ctx, timeout=10)
m.login(user_a, "pw-of-a")
check(m.select("INBOX")[0] == "OK", "IMAPS: A logs in and selects")
typ, data = m.select("../" + user_b + "/Maildir")
check(typ == "NO", "A cannot select B's Maildir by a relative name")
m.logout()
# STARTTLS injection (CVE-2011-0411)
s = socket.create_connection(("127.0.0.1", port), 10)
f = s.makefile("rb")
f.readline()
s.sendall(b"a STARTTLS\r\nb LOGIN %s pw-of-a\r\n" % u)
f.readline()
t = ctx.wrap_socket(s)
tf = t.makefile("rb")
t.sendall(b"c NOOP\r\n")
line = tf.readline()
check(line.startswith(b"c OK"), "command injected before the TLS handshake is dropped: %s" % line)
t.close()
# A's uid with B's home: the kernel keeps the session out
r = raw(port, [b"a LOGIN intruder pw-i\r\n"])
check(r[1].startswith("a NO [UNAVAILABLE]"), "A's uid cannot open B's Maildir: " + r[1])
# plaintext refused before TLS where loopback is not trusted
m = imaplib.IMAP4("127.0.0.1", strict, timeout=10)
check("LOGINDISABLED" in m.capabilities and "AUTH=PLAIN" not in m.capabilities,
      "strict server: LOGINDISABLED before TLS")
r = raw(strict, [b"a LOGIN %s pw-of-a\r\n" % u, b"b AUTHENTICATE PLAIN " + plain + b"\r\n"])
check(r[1].startswith("a NO [PRIVACYREQUIRED]") and r[2].startswith("b NO [PRIVACYREQUIRED]"),
      "plaintext refused before TLS: " + r[1])
m.starttls(ctx)
m.login(user_a, "pw-of-a")
check(m.select("INBOX")[0] == "OK", "after STARTTLS the same login works")
m.logout()


# RENAME INBOX (RFC 3501 6.3.5): every message moves to the new mailbox,
# flags kept; INBOX stays, empty
def by_test_id(conn):
    typ, data = conn.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (X-Test-Id Message-ID)])")
    out = {}
    for meta, header in (d for d in data if isinstance(d, tuple)):
        flags = set(re.search(rb"FLAGS \(([^)]*)\)", meta).group(1).split()) - {b"\\Recent"}
        out[header.strip()] = flags
    return out


m = login()
typ, data = m.select("INBOX")
before = by_test_id(m)
check(len(before) >= 3 and any(b"\\Seen" in f for f in before.values()),
      "INBOX before RENAME: %d messages, one \\Seen" % len(before))
check(m.rename("INBOX", "Trash")[0] == "NO", "RENAME INBOX onto an existing mailbox: NO")
check(m.rename("INBOX", "Old")[0] == "OK", "RENAME INBOX Old")
typ, data = m.status("INBOX", "(MESSAGES)")
check(typ == "OK" and b"MESSAGES 0" in data[0], "after RENAME INBOX: INBOX is there, empty: %r" % data)
typ, data = m.list('""', "*")
check("INBOX" in names(data) and "Old" in names(data), "LIST has INBOX and Old")
typ, data = m.select("Old")
check(typ == "OK" and by_test_id(m) == before, "Old holds INBOX's messages, flags kept")
m.logout()
sys.exit(1 if failures else 0)
