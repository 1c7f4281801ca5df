#!/usr/bin/python3
"""Reads the DMARC aggregate reports a recording sendmail kept (issue 17).

usage: dmarc_reports.py [--range] SENT_DIR OUT_DIR
For each file of SENT_DIR (argv lines, "----", the message): checks the
RFC 7489 §7.2.1.1 form (Subject, one application/gzip attachment named
receiver!domain!begin!end.xml.gz), writes the XML to OUT_DIR/<domain>-<n>.xml
and prints one line per report:
  <domain> <recipients,> <report_id> rows=<ip>/<disposition>/<dkim>/<spf>=<count>;...
(with --range, then " range=<begin>-<end>", the report's date_range)
and exits 1 with the reason when a report is malformed.
"""
import email
import email.policy
import gzip
import os
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://dmarc.org/dmarc-xml/0.1}"


def fail(why):
    print("MALFORMED: " + why)
    sys.exit(1)


def main():
    with_range = sys.argv[1] == "--range"
    sent, out = sys.argv[1 + with_range:3 + with_range]
    for n, name in enumerate(sorted(os.listdir(sent), key=lambda s: int(s) if s.isdigit() else 0)):
        raw = open(os.path.join(sent, name), "rb").read()
        argv, _, message = raw.partition(b"----\n")
        args = argv.decode().split("\n")
        recipients = [a for a in args[args.index("--") + 1:] if a] if "--" in args else []
        msg = email.message_from_bytes(message, policy=email.policy.default)
        subject = msg["Subject"]
        m = re.fullmatch(r"Report Domain: (\S+) Submitter: (\S+) Report-ID: <([^@>]+)@(\S+)>", subject)
        if not m:
            fail("subject " + subject)
        domain, submitter, report_id = m.group(1), m.group(2), m.group(3)
        parts = [p for p in msg.iter_attachments() if p.get_content_type() == "application/gzip"]
        if len(parts) != 1:
            fail("attachments of " + name)
        filename = parts[0].get_filename()
        fm = re.fullmatch(r"([^!]+)!([^!]+)!(\d+)!(\d+)\.xml\.gz", filename or "")
        if not fm or fm.group(1) != submitter or fm.group(2) != domain:
            fail("filename " + str(filename))
        xml = gzip.decompress(parts[0].get_content())
        path = os.path.join(out, "%s-%d.xml" % (domain, n))
        open(path, "wb").write(xml)
        root = ET.fromstring(xml)
        if root.findtext(NS + "report_metadata/" + NS + "report_id") != report_id:
            fail("report_id differs from the Subject's")
        rows = []
        for rec in root.iter(NS + "record"):
            row = rec.find(NS + "row")
            pe = row.find(NS + "policy_evaluated")
            rows.append("%s/%s/%s/%s=%s" % (
                row.findtext(NS + "source_ip"), pe.findtext(NS + "disposition"),
                pe.findtext(NS + "dkim"), pe.findtext(NS + "spf"), row.findtext(NS + "count")))
        line = "%s %s %s rows=%s" % (domain, ",".join(recipients), report_id, ";".join(sorted(rows)))
        if with_range:
            dr = NS + "report_metadata/" + NS + "date_range/" + NS
            begin, end = root.findtext(dr + "begin"), root.findtext(dr + "end")
            if (begin, end) != (fm.group(3), fm.group(4)):
                fail("date_range differs from the file name's")
            line += " range=%s-%s" % (begin, end)
        print(line)


main()
