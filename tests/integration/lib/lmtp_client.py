#!/usr/bin/python3
"""LMTP client checks for tests/integration/lmtp_server.sh, with Python's
smtplib.LMTP (RFC 2033) and raw sockets for pipelining and malformed input.

  lmtp_client.py transaction WHERE SENDER SUBJECT RCPT...
      one transaction; prints "RCPT CODE STATUS" for every recipient: the
      RCPT reply for refused ones, the DATA reply for accepted ones
  lmtp_client.py raw WHERE FILE
      sends FILE's bytes in one write, reads until the server closes (or
      5 s of silence), prints the reply lines
WHERE is a Unix socket path or 127.0.0.1:PORT.
"""
import smtplib
import socket
import sys


def connect(where):
    if where.startswith("/"):
        return smtplib.LMTP(where)
    host, port = where.rsplit(":", 1)
    return smtplib.LMTP(host, int(port))


def message(sender, subject):
    return (f"From: {sender}\r\nTo: undisclosed-recipients:;\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject}@lmtp.example>\r\n\r\nHello over LMTP.\r\n"
            ".a line that starts with a dot\r\n").encode()


def transaction(where, sender, subject, recipients):
    client = connect(where)
    code, _ = client.ehlo_or_helo_if_needed() or (250, b"")
    client.mail(sender)
    accepted = []
    for rcpt in recipients:
        code, text = client.rcpt(rcpt)
        if code == 250:
            accepted.append(rcpt)
        else:
            print(rcpt, code, text.decode().split(" ")[0])
    if accepted:
        # smtplib reads the first reply of DATA; RFC 2033 §4.2 sends one
        # per accepted recipient, so the others are read here.
        code, text = client.data(message(sender, subject))
        replies = [(code, text)] + [client.getreply() for _ in accepted[1:]]
        for rcpt, (code, text) in zip(accepted, replies):
            print(rcpt, code, text.decode().split(" ")[0])
    client.quit()


def raw(where, path):
    if where.startswith("/"):
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(where)
    else:
        host, port = where.rsplit(":", 1)
        sock = socket.create_connection((host, int(port)))
    sock.settimeout(5)
    with open(path, "rb") as f:
        sock.sendall(f.read())
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    sock.close()
    sys.stdout.write(data.decode("utf-8", "replace").replace("\r\n", "\n"))


if __name__ == "__main__":
    if sys.argv[1] == "transaction":
        transaction(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif sys.argv[1] == "raw":
        raw(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown mode " + sys.argv[1])
