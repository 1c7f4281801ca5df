#!/usr/bin/python3
"""Dovecot and `mailroom serve` on the same Maildir at once, both through
Python's imaplib (tests/integration/serve_dovecot_side_by_side.sh): the same
folders and messages (Message-ID and RFC822.SIZE), flags and keywords set
through one seen by the other, EXPUNGE, APPEND and MOVE through each seen by
the other, nothing lost. Prints "ok: ..." / "FAIL: ..."; exits 1 on any
failure.

Arguments: DOVECOT_PORT MAILROOM_PORT USER PASSWORD
"""
import imaplib
import re
import sys

dport, mport, user, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
failures = 0


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures += 1


def connect(port):
    conn = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    conn.login(user, password)
    return conn


dovecot, mailroom = connect(dport), connect(mport)
servers = {"dovecot": dovecot, "mailroom": mailroom}


def folders(conn):
    typ, data = conn.list()
    out = set()
    for line in data:
        m = re.match(rb'\([^)]*\) (?:"."|NIL) "?([^"]*)"?$', line)
        if m:
            out.add(m.group(1).decode())
    return out


def messages(conn, box):
    """{Message-ID: (RFC822.SIZE, set of flags without \\Recent, UID)} of BOX,
    read in a fresh SELECT (what a client opening the folder sees)."""
    typ, data = conn.select(box)
    if typ != "OK":
        return None
    if int(data[0]) == 0:
        return {}
    typ, data = conn.fetch("1:*", "(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    out = {}
    for item in data:
        if not isinstance(item, tuple):
            continue
        meta, header = item[0].decode(), item[1].decode()
        msgid = re.search(r"Message-ID:\s*(<[^>]*>)", header, re.I)
        flags = re.search(r"FLAGS \(([^)]*)\)", meta)
        size = re.search(r"RFC822\.SIZE (\d+)", meta)
        uid = re.search(r"UID (\d+)", meta)
        if not (msgid and flags and size and uid):
            check(False, "unparsable FETCH: %r" % (item,))
            continue
        out[msgid.group(1)] = (int(size.group(1)), set(flags.group(1).split()) - {"\\Recent"},
                               uid.group(1))
    return out


def uid_of(conn, box, msgid):
    found = messages(conn, box) or {}
    return found[msgid][2] if msgid in found else None


def flags_of(conn, box, msgid):
    found = messages(conn, box) or {}
    return found[msgid][1] if msgid in found else None


def same_view(when):
    """Both servers list the same folders with the same messages and flags."""
    boxes = {name: folders(conn) for name, conn in servers.items()}
    check(boxes["dovecot"] == boxes["mailroom"] and {"INBOX", "Junk", "Work"} <= boxes["mailroom"],
          "%s: same folders %s / %s" % (when, sorted(boxes["dovecot"]), sorted(boxes["mailroom"])))
    views = {}
    for box in sorted(boxes["mailroom"] & boxes["dovecot"]):
        d = messages(dovecot, box)
        m = messages(mailroom, box)
        strip = lambda view: {k: v[:2] for k, v in (view or {}).items()}  # UIDs are each server's own
        check(d is not None and strip(d) == strip(m),
              "%s: %s has the same messages, sizes and flags: dovecot %s, mailroom %s"
              % (when, box, sorted(strip(d).items()), sorted(strip(m).items())))
        views[box] = strip(m)
    return views


# -- what `mailroom deliver` wrote, seen by both
views = same_view("after delivery")
check(sorted(views.get("INBOX", {})) == ["<m1@side.test>", "<m2@side.test>", "<m3@side.test>",
                                         "<m4@side.test>"], "INBOX: the four delivered messages")
check(sorted(views.get("Junk", {})) == ["<j1@side.test>"], "Junk: the delivered message")
check(sorted(views.get("Work", {})) == ["<w1@side.test>"], "Work: the delivered message")

# -- flags and keywords: set through one, seen by the other
mailroom.select("INBOX")
check(mailroom.uid("STORE", uid_of(mailroom, "INBOX", "<m1@side.test>"), "+FLAGS",
                   "(\\Seen $Label2)")[0] == "OK", "mailroom: STORE \\Seen $Label2 on m1")
check(flags_of(dovecot, "INBOX", "<m1@side.test>") == {"\\Seen", "$Label2"},
      "dovecot sees mailroom's \\Seen and $Label2: %s" % flags_of(dovecot, "INBOX", "<m1@side.test>"))
dovecot.select("INBOX")
check(dovecot.uid("STORE", uid_of(dovecot, "INBOX", "<m2@side.test>"), "+FLAGS",
                  "(\\Flagged $Label1)")[0] == "OK", "dovecot: STORE \\Flagged $Label1 on m2")
check(flags_of(mailroom, "INBOX", "<m2@side.test>") == {"\\Flagged", "$Label1"},
      "mailroom sees dovecot's \\Flagged and $Label1: %s" % flags_of(mailroom, "INBOX", "<m2@side.test>"))
check(dovecot.uid("STORE", uid_of(dovecot, "INBOX", "<m1@side.test>"), "-FLAGS", "($Label2)")[0] == "OK",
      "dovecot: STORE -FLAGS $Label2 on m1")
check(flags_of(mailroom, "INBOX", "<m1@side.test>") == {"\\Seen"},
      "mailroom sees dovecot remove $Label2: %s" % flags_of(mailroom, "INBOX", "<m1@side.test>"))

# -- \Deleted + EXPUNGE through each
uid = uid_of(mailroom, "INBOX", "<m3@side.test>")
check(mailroom.uid("STORE", uid, "+FLAGS", "(\\Deleted)")[0] == "OK" and mailroom.expunge()[0] == "OK",
      "mailroom: \\Deleted + EXPUNGE m3")
uid = uid_of(dovecot, "INBOX", "<m4@side.test>")
check(dovecot.uid("STORE", uid, "+FLAGS", "(\\Deleted)")[0] == "OK" and dovecot.expunge()[0] == "OK",
      "dovecot: \\Deleted + EXPUNGE m4")
for name, conn in servers.items():
    check(sorted(messages(conn, "INBOX")) == ["<m1@side.test>", "<m2@side.test>"],
          "%s: m3 and m4 expunged, m1 and m2 kept" % name)

# -- APPEND through each
appended = b"From: a@side.test\r\nSubject: appended %s\r\nMessage-ID: <%s@side.test>\r\n\r\nbody\r\n"
check(mailroom.append("Work", "(\\Seen)", None, appended % (b"mailroom", b"am"))[0] == "OK",
      "mailroom: APPEND to Work")
check(dovecot.append("INBOX", "(\\Flagged)", None, appended % (b"dovecot", b"ad"))[0] == "OK",
      "dovecot: APPEND to INBOX")
check(flags_of(dovecot, "Work", "<am@side.test>") == {"\\Seen"}, "dovecot sees mailroom's APPEND with \\Seen")
check(flags_of(mailroom, "INBOX", "<ad@side.test>") == {"\\Flagged"},
      "mailroom sees dovecot's APPEND with \\Flagged")

# -- MOVE through each (the flags travel with the message)
mailroom.select("Work")
check(mailroom.uid("MOVE", uid_of(mailroom, "Work", "<w1@side.test>"), "Junk")[0] == "OK",
      "mailroom: MOVE w1 Work -> Junk")
dovecot.select("INBOX")
check(dovecot.uid("MOVE", uid_of(dovecot, "INBOX", "<m2@side.test>"), "Work")[0] == "OK",
      "dovecot: MOVE m2 INBOX -> Work")
check(sorted(messages(dovecot, "Junk")) == ["<j1@side.test>", "<w1@side.test>"]
      and "<w1@side.test>" not in messages(dovecot, "Work"), "dovecot sees mailroom's MOVE")
check(flags_of(mailroom, "Work", "<m2@side.test>") == {"\\Flagged", "$Label1"}
      and "<m2@side.test>" not in messages(mailroom, "INBOX"), "mailroom sees dovecot's MOVE, flags kept")

# -- changes by the other server show up in an open session at NOOP (no
# re-SELECT): a flag change as untagged FETCH, a new message as EXISTS
for name, conn, other in (("mailroom", mailroom, dovecot), ("dovecot", dovecot, mailroom)):
    typ, data = conn.select("Junk")
    before = int(data[0])
    conn.noop()
    conn.untagged_responses.clear()
    other.select("Junk")
    other.uid("STORE", uid_of(other, "Junk", "<j1@side.test>"), "+FLAGS", "($Seen%s)" % name)
    other.append("Junk", None, None, appended % (name.encode(), b"n" + name.encode()))
    conn.noop()
    fetched = b" ".join(x for x in conn.untagged_responses.get("FETCH", []) if isinstance(x, bytes))
    exists = [int(x) for x in conn.untagged_responses.get("EXISTS", [])]
    check(("$Seen%s" % name).encode() in fetched, "%s: NOOP reports the other's flag change: %r" % (name, fetched))
    check(exists and exists[-1] == before + 1, "%s: NOOP reports the other's APPEND as EXISTS: %r" % (name, exists))

# -- UIDs stay: a fresh mailroom session sees the UIDs its first one saw
first_uids = {box: {k: v[2] for k, v in messages(mailroom, box).items()} for box in ("INBOX", "Junk", "Work")}
mailroom.logout()
mailroom = servers["mailroom"] = connect(mport)
again = {box: {k: v[2] for k, v in messages(mailroom, box).items()} for box in ("INBOX", "Junk", "Work")}
check(first_uids == again, "mailroom: the same UIDs in a new session: %s / %s" % (first_uids, again))

# -- the end: the same view, nothing lost
views = same_view("at the end")
every = sorted(i for box in views.values() for i in box)
check(every == sorted(["<m1@side.test>", "<m2@side.test>", "<ad@side.test>", "<am@side.test>",
                       "<j1@side.test>", "<w1@side.test>", "<nmailroom@side.test>", "<ndovecot@side.test>"]), "every message once, by Message-ID: %s" % every)
for conn in servers.values():
    conn.logout()
sys.exit(1 if failures else 0)
