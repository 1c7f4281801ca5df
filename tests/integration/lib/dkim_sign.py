#!/usr/bin/python3
"""Signs a message with dkimpy (Debian python3-dkim), the DKIM oracle.

usage: dkim_sign.py MESSAGE SELECTOR DOMAIN KEYFILE ALGORITHM > SIGNED
  KEYFILE   RSA: a PEM private key; Ed25519: the base64 32-byte seed
  ALGORITHM rsa-sha256 or ed25519-sha256

The DKIM-Signature field goes on top; canonicalisation relaxed/relaxed.
Line endings of MESSAGE are made CRLF for signing and LF again on output
(as an MTA hands it to the MDA).
"""
import sys

import dkim

HEADERS = [b"from", b"to", b"subject", b"date", b"message-id"]


def main():
    path, selector, domain, keyfile, alg = sys.argv[1:6]
    with open(path, "rb") as f:
        msg = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with open(keyfile, "rb") as f:
        key = f.read().strip() if alg.startswith("ed25519") else f.read()
    sig = dkim.sign(msg, selector.encode(), domain.encode(), key,
                    canonicalize=(b"relaxed", b"relaxed"), include_headers=HEADERS,
                    signature_algorithm=alg.encode())
    sys.stdout.buffer.write((sig + msg).replace(b"\r\n", b"\n"))


if __name__ == "__main__":
    main()
