#!/usr/bin/python3
"""Sends one message over SMTP and prints Postfix's queue id.

usage: smtp_send.py PORT FROM TO MESSAGE_FILE
FROM may be "" for the null sender. Exit 0 when the server queued the
message (250 after DATA), 1 otherwise, with the server's reply on stderr.
"""
import re
import smtplib
import sys


def main() -> int:
    port, sender, rcpt, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    with open(path, "rb") as f:
        data = f.read()
    with smtplib.SMTP("127.0.0.1", int(port), timeout=20) as s:
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
    m = re.search(rb"queued as ([0-9A-Za-z]+)", resp)
    if not m:
        print(f"no queue id in {resp!r}", file=sys.stderr)
        return 1
    print(m.group(1).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
