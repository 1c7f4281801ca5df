#!/usr/bin/python3
"""A sendmail(1) stand-in that submits over SMTP, for tests whose MTA is a
private Postfix instance (whose own sendmail a user cannot point at a
private config directory).

usage: smtp_sendmail.py PORT [-oi] -f SENDER -- ADDRESS < message
SENDER may be "" for the null sender. Exit 0 when the server queued it.
"""
import re
import smtplib
import sys


def main() -> int:
    port, args = int(sys.argv[1]), sys.argv[2:]
    sender = args[args.index("-f") + 1]
    rcpt = args[args.index("--") + 1]
    data = re.sub(rb"(?<!\r)\n", b"\r\n", sys.stdin.buffer.read())
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as s:
        s.sendmail(sender, [rcpt], data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
