#!/usr/bin/python3
"""Writes DKIM test vectors signed and judged by dkimpy, the oracle.

usage: make_dkim_vectors.py OUTDIR

Keys are made fresh with openssl(1) (RSA-2048) and PyNaCl (Ed25519). For
every case OUTDIR gets CASE.eml, and OUTDIR/manifest.txt a line
"CASE<TAB>v1,v2,..." with dkimpy's verdict (pass/fail) for each
DKIM-Signature, top to bottom. OUTDIR/keys.txt lists "NAME<TAB>TXT record".
Exits 77 when dkimpy is not installed (the C++ test then skips).
"""
import base64
import os
import subprocess
import sys
import tempfile

try:
    import dkim
    import nacl.encoding
    import nacl.signing
except ImportError as e:  # pragma: no cover
    print("dkimpy unavailable: %s" % e, file=sys.stderr)
    sys.exit(77)

DOMAIN = b"example.com"
SIGNED = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version"]

HEADER = (b"From: Alice Example <alice@example.com>\r\n"
          b"To: Bob <bob@example.net>\r\n"
          b"Subject: Lunch  on\tFriday?\r\n"
          b"Date: Fri, 27 Nov 2026 10:00:00 +0000\r\n"
          b"Message-ID: <lunch.1@example.com>\r\n"
          b"MIME-Version: 1.0\r\n"
          b"Content-Type: text/plain; charset=us-ascii\r\n")
BODY = (b"Hi Bob,\r\n"
        b"\r\n"
        b"Shall we meet at  noon?\t \r\n"
        b"  The usual place.\r\n"
        b"\r\n"
        b"-- \r\n"
        b"Alice\r\n"
        b"\r\n"
        b"\r\n")


def rsa_key(tmp):
    pem = os.path.join(tmp, "rsa.pem")
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", pem, "2048"],
                   check=True, capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", pem, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    with open(pem, "rb") as f:
        private = f.read()
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


def ed25519_key():
    sk = nacl.signing.SigningKey.generate()
    private = sk.encode(encoder=nacl.encoding.Base64Encoder)
    public = sk.verify_key.encode(encoder=nacl.encoding.Base64Encoder)
    return private, b"v=DKIM1; k=ed25519; p=" + public


def sign(msg, key, selector, canon, length):
    private, _ = key
    alg = b"ed25519-sha256" if selector.startswith(b"ed") else b"rsa-sha256"
    sig = dkim.sign(msg, selector, DOMAIN, private, canonicalize=canon,
                    include_headers=SIGNED, length=length, signature_algorithm=alg)
    return sig + msg


def tampered(msg):
    """The ways a message changes in transit, each as (suffix, message)."""
    head, body = msg.split(b"\r\n\r\n", 1)
    yield "body", head + b"\r\n\r\n" + body.replace(b"noon", b"one")
    yield "signed-header", head.replace(b"Lunch", b"Dinner") + b"\r\n\r\n" + body
    yield "unsigned-header", b"X-Mailing-List: lunch@example.org\r\n" + msg
    yield "content-type", (head.replace(b"charset=us-ascii", b"charset=utf-8")
                           + b"\r\n\r\n" + body)
    yield "header-space", head.replace(b"Lunch  on", b"Lunch   on ") + b"\r\n\r\n" + body
    yield "body-space", head + b"\r\n\r\n" + body.replace(b"at  noon", b"at \t noon")
    yield "body-trailing-lines", msg + b"\r\n\r\n"
    yield "body-appended", msg + b"P.S. appended by a list\r\n"
    yield "second-from", b"From: mallory@example.org\r\n" + msg
    yield "lf-endings", msg.replace(b"\r\n", b"\n")


def verdicts(msg, records):
    def dnsfunc(name, timeout=5):
        return records.get(name.rstrip(b".").decode(), b"")
    d = dkim.DKIM(msg)
    count = sum(1 for line in msg.split(b"\n") if line.lower().startswith(b"dkim-signature:"))
    out = []
    for i in range(count):
        try:
            ok = d.verify(idx=i, dnsfunc=dnsfunc)
        except Exception:  # dkimpy reports some failures by raising
            ok = False
        out.append("pass" if ok else "fail")
    return out


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        keys = {b"rsa": rsa_key(tmp), b"ed": ed25519_key()}
    records = {"%s._domainkey.%s" % (s.decode(), DOMAIN.decode()): k[1] for s, k in keys.items()}
    base = HEADER + b"\r\n" + BODY
    cases = {}
    for hc in (b"simple", b"relaxed"):
        for bc in (b"simple", b"relaxed"):
            for sel in (b"rsa", b"ed"):
                for length in (False, True):
                    name = "%s-%s-%s%s" % (hc.decode(), bc.decode(), sel.decode(),
                                           "-l" if length else "")
                    cases[name] = sign(base, keys[sel], sel, (hc, bc), length)
    multi = sign(base, keys[b"rsa"], b"rsa", (b"relaxed", b"relaxed"), False)
    multi = sign(multi, keys[b"ed"], b"ed", (b"simple", b"simple"), False)
    multi = sign(multi, keys[b"rsa"], b"rsa", (b"simple", b"relaxed"), True)
    cases["multi"] = multi
    for name, msg in list(cases.items()):
        for suffix, changed in tampered(msg):
            cases[name + "+" + suffix] = changed
    with open(os.path.join(outdir, "manifest.txt"), "w") as manifest:
        for name, msg in sorted(cases.items()):
            with open(os.path.join(outdir, name + ".eml"), "wb") as f:
                f.write(msg)
            manifest.write("%s\t%s\n" % (name, ",".join(verdicts(msg, records))))
    with open(os.path.join(outdir, "keys.txt"), "w") as f:
        for name, record in sorted(records.items()):
            f.write("%s\t%s\n" % (name, record.decode()))


if __name__ == "__main__":
    main()
