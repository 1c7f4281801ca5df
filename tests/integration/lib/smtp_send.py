#!/usr/bin/python3
"""Sends one message over SMTP and prints the server's queue id.

usage: smtp_send.py [--source IP] PORT FROM TO MESSAGE_FILE
FROM may be "" for the null sender; --source binds the client to IP (a
loopback address such as 127.0.0.2) so the server sees that client. Exit 0
when the server queued the message (250 after DATA), 1 otherwise, with the
server's reply on stderr. The queue id is read from the 250 reply as each
MTA words it: Postfix "queued as ID", Exim "OK id=ID", OpenSMTPD
"2.0.0 ID Message accepted".
"""
import re
import smtplib
import sys

QUEUE_ID = [
    rb"queued as ([0-9A-Za-z]+)",
    rb"id=([0-9A-Za-z-]+)",
    rb"^(?:2\.0\.0 )?([0-9a-f]{8,16}) Message accepted",
]


def main() -> int:
    args = sys.argv[1:]
    source = None
    if args and args[0] == "--source":
        source, args = args[1], args[2:]
    port, sender, rcpt, path = args[0], args[1], args[2], args[3]
    with open(path, "rb") as f:
        data = f.read()
    src = (source, 0) if source else None
    with smtplib.SMTP("127.0.0.1", int(port), timeout=20, source_address=src) as s:
        s.ehlo("client.example.com")
        code, resp = s.mail(sender)
        if code != 250:
            print(f"MAIL FROM: {code} {resp!r}", file=sys.stderr)
            return 1
        code, resp = s.rcpt(rcpt)
        if code not in (250, 251):
            print(f"RCPT TO: {code} {resp!r}", file=sys.stderr)
            return 1
        code, resp = s.data(data)
        if code != 250:
            print(f"DATA: {code} {resp!r}", file=sys.stderr)
            return 1
    for pattern in QUEUE_ID:
        m = re.search(pattern, resp)
        if m:
            print(m.group(1).decode())
            return 0
    print(f"no queue id in {resp!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
