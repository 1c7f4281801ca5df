#!/usr/bin/env python3
"""Writes the hostile/broken message corpus: NAME.eml + NAME.expect.

Every message here is made up for mailroom's tests (no third-party mail).
Run from anywhere: python3 tests/data/message/make-corpus.py
The .expect keys are checked by tests/unit/message/hostile_corpus_test.cpp:
  shape:     MIME tree, e.g. multipart/mixed(text/plain,text/html)
  defects:   exact set of defect names, comma-separated ("" = none): Message::defects()
             plus those found decoding the Subject and body_text()
  headers:   number of top-level header fields
  separator: yes | no
  subject:   decoded Subject
  from:      addr-spec of the first From mailbox ("" if none, "-" if no From field)
  from-name: display name of the first From mailbox
  text:      a substring body_text() must contain (repeatable)
  no-text:   a substring body_text() must not contain (repeatable)
  parts:     number of MIME parts, root included
  date:      unix time of the Date header, or "none" if it must not parse
  filename:  INDEX=NAME, the file name of part INDEX
  body-size: exact size of Message::body() in bytes
Values write backslash, CR and TAB as backslash-backslash, backslash-r, backslash-t.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
cases = []


def case(name, data, **expect):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    cases.append((name, data, expect))


def crlf(s):
    return s.replace("\n", "\r\n")


# ---------------------------------------------------------------- headers
case("h-crlf-basic", crlf("From: Ann <ann@example.org>\nTo: bob@example.net\nSubject: hello\n"
                          "Date: Tue, 1 Jul 2003 10:52:37 +0200\n\nHi Bob.\n"),
     shape="text/plain", defects="", headers=4, separator="yes", subject="hello",
     **{"from": "ann@example.org", "from-name": "Ann", "text": ["Hi Bob."], "date": "1057049557"})
case("h-lf-only", "From: a@x\nSubject: lf\n\nbody\n", defects="", headers=2, subject="lf",
     text=["body"])
case("h-mixed-endings", "From: a@x\r\nSubject: mixed\n\r\nbody\n",
     defects="mixed_line_endings", headers=2, subject="mixed", separator="yes")
case("h-bare-cr-in-value", "From: a@x\nSubject: one\rtwo\n\nbody\n", defects="bare_cr",
     subject="one\rtwo", headers=2)
case("h-nul-in-header", b"From: a@x\nSubject: nul\x00here\n\nbody\n", defects="nul_byte",
     headers=2)
case("h-nul-in-body", b"From: a@x\nSubject: s\n\nbody\x00with nul\n", defects="",
     headers=2, text=["with nul"])
case("h-no-separator", "From: a@x\nSubject: s\nThis line starts the body\nmore\n",
     defects="missing_separator", separator="no", headers=2, text=["This line starts the body"])
case("h-headers-only", "From: a@x\nSubject: no body", defects="missing_separator",
     separator="no", headers=2, subject="no body", **{"body-size": "0"})
case("h-empty-file", "", defects="missing_separator", headers=0, separator="no",
     shape="text/plain", **{"from": "-"})
case("h-only-blank-line", "\n", defects="", headers=0, separator="yes", **{"body-size": "0"})
case("h-leading-continuation", " folded: first\nFrom: a@x\n\nbody\n",
     defects="missing_separator,continuation_first", headers=0, separator="no",
     **{"from": "-"})
case("h-mbox-from-line", "From someone@x Sat Jan  1 00:00:00 2000\nFrom: a@x\n\nb\n",
     defects="missing_separator", headers=0, separator="no", **{"from": "-"})
case("h-space-before-colon", "From : a@x\nSubject\t: spaced\n\nb\n", defects="", headers=2,
     subject="spaced", **{"from": "a@x"})
case("h-utf8-subject", "From: a@x\nSubject: Gr\u00fc\u00dfe aus K\u00f6ln\n\nb\n",
     defects="eight_bit_header", subject="Gr\u00fc\u00dfe aus K\u00f6ln")
case("h-latin1-raw-subject", b"From: a@x\nSubject: caf\xe9\n\nb\n", defects="eight_bit_header",
     subject="caf\u00e9")
case("h-duplicate-subject", "Subject: first\nFrom: a@x\nSubject: second\n\nb\n", headers=3,
     subject="first")
case("h-missing-from", "To: b@x\nSubject: anon\n\nb\n", **{"from": "-"}, subject="anon")
case("h-folded-subject", "From: a@x\nSubject: one\n\ttwo\n   three\n\nb\n",
     subject="one\ttwo   three", headers=2)
case("h-colon-first", ": no name\nFrom: a@x\n\nb\n", defects="missing_separator", headers=0,
     separator="no")
case("h-whitespace-line", "From: a@x\n \t \nSubject: after\n\nbody\n", headers=2,
     subject="after", separator="yes")
case("h-cr-cr-lf", "From: a@x\r\r\nSubject: s\r\r\n\r\r\nbody\r\r\n", headers=2,
     defects="bare_cr", separator="yes", text=["body"])
case("h-1mb-header-line", None, gen="long-line",
     defects="missing_separator,header_truncated,line_too_long", headers=1, separator="no",
     **{"from": "a@x"})
case("h-12000-headers", None, gen="many-headers",
     defects="missing_separator,header_truncated,too_many_headers", headers=10000,
     separator="no")
case("h-huge-header-block", None, gen="big-block",
     defects="missing_separator,header_truncated,header_block_too_large", separator="no")
case("h-name-with-8bit", b"Fr\xf6m: a@x\nSubject: s\n\nb\n", defects="missing_separator",
     headers=0, separator="no")
case("h-tab-only-name", "\t: x\n\nb\n", defects="missing_separator,continuation_first",
     headers=0, separator="no")

# ---------------------------------------------------------------- RFC 2047
case("e-base64-subject", "From: a@x\nSubject: =?UTF-8?B?w6l0w6kgMjAyNA==?=\n\nb\n",
     defects="", subject="\u00e9t\u00e9 2024")
case("e-q-latin1", "From: a@x\nSubject: =?iso-8859-1?q?r=E9sum=E9_attached?=\n\nb\n",
     subject="r\u00e9sum\u00e9 attached")
case("e-split-multibyte",
     "From: a@x\nSubject: =?utf-8?B?5pel5pys6Kqe44Gu?=\n =?utf-8?B?5Lu25ZCN?=\n\nb\n",
     subject="\u65e5\u672c\u8a9e\u306e\u4ef6\u540d")
case("e-split-inside-char", "From: a@x\nSubject: =?utf-8?B?4oI=?= =?utf-8?B?rA==?= price\n\nb\n",
     subject="\u20ac price")
case("e-bad-base64-word", "From: a@x\nSubject: =?utf-8?B?***?= still readable\n\nb\n",
     subject="=?utf-8?B?***?= still readable")
case("e-unknown-charset", "From: a@x\nSubject: =?x-klingon?Q?qapla=27?=\n\nb\n",
     defects="bad_charset", subject="qapla'")
case("e-charset-injection", "From: a@x\nSubject: =?UTF-8//IGNORE?Q?x?=\n\nb\n",
     defects="bad_charset", subject="x")
case("e-from-name", "From: =?utf-8?q?Z=C3=BCrich_Bank?= <info@example.ch>\nSubject: s\n\nb\n",
     **{"from": "info@example.ch", "from-name": "Z\u00fcrich Bank"})
case("e-sjis-subject", "From: a@x\nSubject: =?shift_jis?B?grGC8YLJgr+CzQ==?=\n\nb\n",
     subject="\u3053\u3093\u306b\u3061\u306f")

# ---------------------------------------------------------------- addresses
case("a-group-from", "From: Friends: ann@x, Bob <bob@y>;\nSubject: s\n\nb\n",
     **{"from": "ann@x"})
case("a-obs-route", "From: Old <@relay.example,@hop.example:old@example.com>\n\nb\n",
     **{"from": "old@example.com", "from-name": "Old"})
case("a-quoted-local", "From: \"john smith\"@example.com\n\nb\n",
     **{"from": "\"john smith\"@example.com"})
case("a-comments", "From: (c1) ann (c2) @ (c3) example.org (Ann Example)\n\nb\n",
     **{"from": "ann@example.org", "from-name": "Ann Example"})
case("a-null-sender", "From: <>\nSubject: bounce\n\nb\n", **{"from": ""})
case("a-idn-domain", "From: user@b\u00fccher.example\n\nb\n", defects="eight_bit_header",
     **{"from": "user@b\u00fccher.example"})
case("a-unterminated-angle", "From: Eve <eve@example.org\n\nb\n",
     **{"from": "eve@example.org", "from-name": "Eve"})

# ---------------------------------------------------------------- MIME
MIXED = ("From: a@x\nSubject: mixed\nMIME-Version: 1.0\n"
         "Content-Type: multipart/mixed; boundary=\"XX\"\n\n"
         "This is the preamble.\n--XX\nContent-Type: text/plain; charset=utf-8\n\n"
         "plain part\n--XX\nContent-Type: application/pdf; name=\"doc.pdf\"\n"
         "Content-Transfer-Encoding: base64\n\nJVBERi0=\n--XX--\nThe epilogue.\n")
case("m-simple-mixed", MIXED, shape="multipart/mixed(text/plain,application/pdf)", defects="",
     parts=3, text=["plain part"], **{"no-text": ["preamble", "epilogue"]},
     filename="2=doc.pdf")
case("m-alternative-nested",
     "Content-Type: multipart/mixed; boundary=o\n\n--o\n"
     "Content-Type: multipart/alternative; boundary=i\n\n--i\n\nplain\n--i\n"
     "Content-Type: text/html\n\n<p>html</p>\n--i--\n--o\n"
     "Content-Type: image/gif\nContent-Transfer-Encoding: base64\n\nR0lGODlh\n--o--\n",
     shape="multipart/mixed(multipart/alternative(text/plain,text/html),image/gif)",
     defects="", text=["plain", "html"], **{"no-text": ["<p>"]})
case("m-wrong-boundary",
     "Content-Type: multipart/mixed; boundary=declared\n\n--other\n\nvisible text\n--other--\n",
     shape="multipart/mixed", defects="no_parts,missing_final_boundary",
     text=["visible text"])
case("m-missing-final-boundary",
     "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n",
     shape="multipart/mixed(text/plain,text/plain)", defects="missing_final_boundary",
     text=["one", "two"])
case("m-no-boundary-param", "Content-Type: multipart/mixed\n\n--b\n\ntext\n--b--\n",
     shape="multipart/mixed", defects="missing_boundary", text=["text"])
case("m-quoted-boundary-spaces",
     "Content-Type: multipart/mixed;\n boundary=\"=_ odd boundary (x)\"\n\n"
     "--=_ odd boundary (x)\n\nin part\n--=_ odd boundary (x)--\n",
     shape="multipart/mixed(text/plain)", defects="", text=["in part"])
case("m-preamble-epilogue",
     "Content-Type: multipart/mixed; boundary=b\n\npreamble --b not a delimiter\n--b\n\nx\n"
     "--b--\nepilogue\n--b\nafter close\n",
     shape="multipart/mixed(text/plain)", defects="", **{"no-text": ["epilogue"]})
case("m-rfc822",
     "Content-Type: multipart/mixed; boundary=b\n\n--b\n\ncover\n--b\n"
     "Content-Type: message/rfc822\n\nFrom: inner@x\nSubject: inner\n"
     "Content-Type: text/plain\n\ninner body\n--b--\n",
     shape="multipart/mixed(text/plain,message/rfc822(text/plain))", defects="",
     text=["cover", "inner body"])
case("m-digest",
     "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nfirst\n--d\n\n"
     "Subject: two\n\nsecond\n--d--\n",
     shape="multipart/digest(message/rfc822(text/plain),message/rfc822(text/plain))",
     text=["first", "second"])
case("m-10000-parts", None, gen="many-parts", defects="too_many_parts", parts=10000)
case("m-200-deep", None, gen="deep", defects="mime_too_deep,missing_final_boundary", parts=101)
case("m-empty-multipart", "Content-Type: multipart/mixed; boundary=b\n\n--b--\n",
     shape="multipart/mixed", defects="no_parts", parts=1)
case("m-part-without-headers",
     "Content-Type: multipart/mixed; boundary=b\n\n--b\nno headers here\n--b--\n",
     shape="multipart/mixed(text/plain)", defects="", text=["no headers here"])
case("m-boundary-prefix",
     "Content-Type: multipart/mixed; boundary=ab\n\n--ab\n"
     "Content-Type: multipart/mixed; boundary=abc\n\n--abc\n\ninner\n--abc--\n--ab--\n",
     shape="multipart/mixed(multipart/mixed(text/plain))", defects="", text=["inner"])
case("m-same-boundary-nested",
     "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
     "Content-Type: multipart/mixed; boundary=b\n\n--b\n\ninner\n--b--\n--b--\n",
     shape="multipart/mixed(multipart/mixed,text/plain)")
case("m-lying-content-length",
     "Content-Length: 5\nSubject: lie\n\nthis body is much longer than five bytes\n",
     defects="", text=["much longer than five"], **{"body-size": "41"})
case("m-mixed-line-endings",
     "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\n\nlf part\r\n--b\r\n\r\ncrlf part\n--b--\r\n",
     shape="multipart/mixed(text/plain,text/plain)", defects="",
     text=["lf part", "crlf part"])
case("m-truncated-in-part-header",
     "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/pl",
     shape="multipart/mixed(text/pl)", defects="missing_final_boundary,missing_separator")
case("m-rfc822-base64-opaque",
     "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeA0KDQp5\n",
     shape="message/rfc822", defects="")
case("m-digest-in-deep-rfc822",
     "Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n"
     "Content-Type: multipart/digest; boundary=q\n\n--q\n\nSubject: d\n\ndeep\n--q--\n",
     shape="message/rfc822(message/rfc822(multipart/digest(message/rfc822(text/plain))))",
     text=["deep"])
case("m-attachment-text-not-body",
     "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nshown\n--b\n"
     "Content-Type: text/plain\nContent-Disposition: attachment; filename=log.txt\n\nhidden log\n"
     "--b--\n",
     text=["shown"], **{"no-text": ["hidden log"]}, filename="2=log.txt")

# ---------------------------------------------------------------- transfer encodings
case("t-base64-garbage",
     "Content-Transfer-Encoding: base64\n\naGVsbG8g!!d29y\n**bGQ=\n",
     defects="bad_transfer_encoding", text=["hello world"])
case("t-base64-truncated", "Content-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQgdHJ1bmNhd",
     defects="bad_transfer_encoding", text=["hello world trunca"])
case("t-qp-soft-breaks",
     "Content-Transfer-Encoding: quoted-printable\nContent-Type: text/plain; charset=utf-8\n\n"
     "a long line that is bro=\nken in the mid=  \ndle, caf=C3=A9\n",
     defects="", text=["a long line that is broken in the middle, caf\u00e9"])
case("t-qp-bad-escapes",
     "Content-Transfer-Encoding: quoted-printable\n\n100=% sure =ZZ and =4\n",
     defects="bad_transfer_encoding", text=["100=% sure =ZZ and =4"])
case("t-unknown-cte", "Content-Transfer-Encoding: x-uuencode\n\nbegin 644 f\n",
     defects="bad_transfer_encoding", text=["begin 644"])
case("t-base64-html",
     "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: BASE64\n\n"
     "PGh0bWw+PGJvZHk+PHA+SGVsbG8gJmFtcDsgd2VsY29tZTwvcD48L2JvZHk+PC9odG1sPg==\n",
     defects="", text=["Hello & welcome"], **{"no-text": ["<p>"]})

# ---------------------------------------------------------------- charsets
case("c-unknown-body-charset", b"Content-Type: text/plain; charset=x-martian\n\nna\xefve\n",
     defects="bad_charset", text=["na\u00efve"])
case("c-invalid-utf8", b"Content-Type: text/plain; charset=utf-8\n\nok \xff\xfe bytes\n",
     defects="bad_charset", text=["ok \ufffd\ufffd bytes"])
case("c-koi8r", "Content-Type: text/plain; charset=koi8-r\n\n".encode() + "Привет".encode("koi8-r"),
     defects="", text=["Привет"])
case("c-iso-2022-jp",
     "Content-Type: text/plain; charset=ISO-2022-JP\n\n".encode()
     + "こんにちは".encode("iso-2022-jp") + b"\n", defects="", text=["こんにちは"])
case("c-utf16le", "Content-Type: text/plain; charset=utf-16le\n"
     "Content-Transfer-Encoding: base64\n\n".encode() + __import__("base64").b64encode(
         "wide text".encode("utf-16le")) + b"\n", defects="", text=["wide text"])
case("c-lying-us-ascii", b"Content-Type: text/plain; charset=us-ascii\n\nna\xc3\xafve\n",
     defects="", text=["na\u00efve"])

# ---------------------------------------------------------------- dates, parameters, HTML
case("d-obsolete-zone", "Date: 21 Nov 97 09:55:06 EST\nFrom: a@x\n\nb\n", date="880124106")
case("d-garbage-date", "Date: yesterday at noon\nFrom: a@x\n\nb\n", date="none")
case("d-military-zone", "Date: Fri, 21 Nov 1997 09:55:06 Z (Zulu)\n\nb\n", date="880106106")
case("p-rfc2231-filename",
     "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\n"
     "Content-Disposition: attachment;\n filename*0*=utf-8''%C3%A9t%C3%A9%20;\n"
     " filename*1=\"report.pdf\"\n\nx\n--b--\n",
     filename="1=\u00e9t\u00e9 report.pdf")
case("p-rfc2047-filename",
     "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
     "Content-Type: application/pdf; name=\"=?utf-8?B?w7xiZXIucGRm?=\"\n\nx\n--b--\n",
     filename="1=\u00fcber.pdf")
case("x-html-script-style",
     "Content-Type: text/html\n\n<html><head><style>.x{color:red}</style>"
     "<script>var s='<p>';</script></head><body>Visible&nbsp;text<!-- hidden --></body></html>\n",
     text=["Visible text"], **{"no-text": ["color", "var s", "hidden"]})


def generate(kind):
    if kind == "long-line":
        return b"From: a@x\nSubject: " + b"x" * (1 << 20) + b"\n\nbody\n"
    if kind == "many-headers":
        return b"".join(b"X-H%d: v\n" % i for i in range(12000)) + b"\nbody\n"
    if kind == "big-block":
        line = b"X-Big: " + b"y" * 60000 + b"\n"
        return line * 20 + b"\nbody\n"
    if kind == "many-parts":
        parts = b"".join(b"--b\n\np%d\n" % i for i in range(10000))
        return b"Content-Type: multipart/mixed; boundary=b\n\n" + parts + b"--b--\n"
    if kind == "deep":
        out = b""
        for i in range(200):
            out += b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i)
        return out + b"\ninnermost\n"
    raise ValueError(kind)


def main():
    for name in os.listdir(HERE):
        if name.endswith((".eml", ".expect")):
            os.remove(os.path.join(HERE, name))
    for name, data, expect in cases:
        if data is None:
            data = generate(expect.pop("gen"))
        with open(os.path.join(HERE, name + ".eml"), "wb") as f:
            f.write(data)
        lines = []
        for key, value in expect.items():
            for v in value if isinstance(value, list) else [value]:
                v = str(v).replace("\\", "\\\\").replace("\r", "\\r").replace("\t", "\\t")
                lines.append(f"{key}: {v}")
        with open(os.path.join(HERE, name + ".expect"), "w", encoding="utf-8",
                  newline="\n") as f:
            f.write("\n".join(lines) + "\n")
    print(f"{len(cases)} cases written to {HERE}")


if __name__ == "__main__":
    main()
