#!/usr/bin/python3
"""Writes the received-report samples of tests/data/dmarc/received/ (issue 17).

Messages in the shapes large receivers send aggregate reports in, written
for these tests (not copies of anyone's reports), and hostile ones:
  google-zip.eml        zip attachment (application/zip), XML without a namespace
  outlook-gzip.eml      gzip (application/gzip), xmlns:xsi/xsd attributes
  yahoo-plain.eml       plain XML (text/xml) with a namespace prefix, optional fields missing
  odd-type.eml          zip sent as application/octet-stream inside multipart/related
  zip-bomb.eml          a zip whose .xml inflates to 40 MB of spaces (over the 32 MB limit)
  dotdot.eml            a zip entry named ../../etc/cron.d/x.xml (read in memory, never a path)
  entities.eml          "billion laughs": entity definitions in a DOCTYPE
  xxe.eml               an external entity (SYSTEM "file:///etc/passwd")
Deterministic: fixed times in the zip and gzip headers. Run it from anywhere;
it rewrites the files beside it.
"""
import base64
import gzip
import io
import os
import zipfile

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "received")
BEGIN, END = 1796428800, 1796515199  # 2026-12-05 UTC


def record(ip, count, disp, dkim_eval, spf_eval, dkims, spf, env_from="steamr.com",
           selector=True):
    auth = ""
    for d, s, r in dkims:
        sel = "<selector>%s</selector>" % s if selector else ""
        auth += "<dkim><domain>%s</domain>%s<result>%s</result></dkim>" % (d, sel, r)
    auth += "<spf><domain>%s</domain><result>%s</result></spf>" % spf
    ident = "<header_from>steamr.com</header_from>"
    if env_from:
        ident = "<envelope_from>%s</envelope_from>" % env_from + ident
    return ("<record><row><source_ip>%s</source_ip><count>%d</count><policy_evaluated>"
            "<disposition>%s</disposition><dkim>%s</dkim><spf>%s</spf></policy_evaluated></row>"
            "<identifiers>%s</identifiers><auth_results>%s</auth_results></record>\n"
            % (ip, count, disp, dkim_eval, spf_eval, ident, auth))


def feedback(org, report_id, records, root="feedback", extra_attr="", prefix="", date_range=True):
    meta = "<org_name>%s</org_name><email>noreply-dmarc@%s</email><report_id>%s</report_id>" % (
        org, org, report_id)
    if date_range:
        meta += "<date_range><begin>%d</begin><end>%d</end></date_range>" % (BEGIN, END)
    body = ("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<%s%s>\n<version>1.0</version>\n"
            "<report_metadata>%s</report_metadata>\n<policy_published><domain>steamr.com</domain>"
            "<adkim>s</adkim><aspf>s</aspf><p>reject</p><sp>reject</sp><pct>100</pct>"
            "</policy_published>\n%s</%s>\n" % (root, extra_attr, meta, "".join(records), root))
    if prefix:
        body = body.replace("<", "<" + prefix + ":").replace("<" + prefix + ":/", "</" + prefix + ":")
        body = body.replace("<" + prefix + ":?xml", "<?xml")
        body = body.replace("<%s:%s%s>" % (prefix, root, extra_attr),
                            "<%s:%s xmlns:%s=\"http://dmarc.org/dmarc-xml/0.1\">" % (prefix, root, prefix))
    return body.encode()


def zipped(name, data, compress=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as z:
        info = zipfile.ZipInfo(name, date_time=(2026, 12, 6, 0, 0, 0))
        info.compress_type = compress
        z.writestr(info, data)
    return out.getvalue()


def gzipped(data):
    return gzip.compress(data, mtime=1796515200)


def message(name, subject, ctype, filename, payload, outer="multipart/mixed"):
    b64 = base64.encodebytes(payload).decode()
    text = ("From: noreply@reporter.example\nTo: dmarc@steamr.com\nSubject: %s\n"
            "Date: Sun, 6 Dec 2026 08:00:00 +0000\nMessage-ID: <%s@reporter.example>\n"
            "MIME-Version: 1.0\nContent-Type: %s; boundary=\"b1\"\n\n--b1\n"
            "Content-Type: text/plain; charset=us-ascii\n\nA DMARC aggregate report.\n\n--b1\n"
            "Content-Type: %s; name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\n"
            "Content-Transfer-Encoding: base64\n\n%s--b1--\n"
            % (subject, name, outer, ctype, filename, filename, b64))
    open(os.path.join(HERE, name + ".eml"), "w").write(text)


ESP = [("esp.example", "s1", "pass")]
OWN = [("steamr.com", "dkim", "pass")]
google = feedback("google.com", "11223344556677889900", [
    record("192.0.2.7", 1240, "reject", "fail", "fail", ESP, ("esp.example", "pass"), "esp.example"),
    record("198.51.100.10", 60, "none", "pass", "pass", OWN, ("steamr.com", "pass"))])
message("google-zip", "Report domain: steamr.com Submitter: google.com Report-ID: 11223344556677889900",
        "application/zip", "google.com!steamr.com!%d!%d.zip" % (BEGIN, END),
        zipped("google.com!steamr.com!%d!%d.xml" % (BEGIN, END), google))
outlook = feedback("Enterprise Outlook", "a1b2c3d4e5f6", [
    record("192.0.2.7", 100, "reject", "fail", "fail", ESP, ("esp.example", "pass"), "esp.example"),
    record("203.0.113.66", 5, "reject", "fail", "fail", [], ("steamr.com", "fail"))],
    extra_attr=" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
               "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"")
message("outlook-gzip", "Report Domain: steamr.com Submitter: enterprise.protection.outlook.com "
        "Report-ID: <a1b2c3d4e5f6@protection.outlook.com>", "application/gzip",
        "enterprise.protection.outlook.com!steamr.com!%d!%d.xml.gz" % (BEGIN, END), gzipped(outlook))
yahoo = feedback("Yahoo", "1796515200.777", [
    record("198.51.100.10", 10, "none", "pass", "pass", OWN, ("steamr.com", "pass"), None, False)],
    prefix="d", date_range=True)
message("yahoo-plain", "Report Domain: steamr.com Submitter: yahoo.com Report-ID: <1796515200.777>",
        "text/xml", "yahoo.com!steamr.com!%d!%d.xml" % (BEGIN, END), yahoo)
odd = feedback("mail.example.org", "odd-1", [
    record("198.51.100.10", 3, "none", "pass", "pass", OWN, ("steamr.com", "pass"))])
message("odd-type", "Report Domain: steamr.com Submitter: mail.example.org Report-ID: <odd-1>",
        "application/octet-stream", "report.zip", zipped("report.xml", odd, zipfile.ZIP_STORED),
        outer="multipart/related")
bomb = b"<feedback>" + b" " * (40 << 20) + b"</feedback>"
message("zip-bomb", "Report Domain: steamr.com Submitter: bomb.example Report-ID: <b>",
        "application/zip", "bomb.zip", zipped("bomb.xml", bomb))
dotdot = feedback("dotdot.example", "dd-1", [
    record("198.51.100.10", 1, "none", "pass", "pass", OWN, ("steamr.com", "pass"))])
message("dotdot", "Report Domain: steamr.com Submitter: dotdot.example Report-ID: <dd-1>",
        "application/zip", "dd.zip", zipped("../../etc/cron.d/x.xml", dotdot))
laughs = ("<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [\n<!ENTITY a \"lol\">\n"
          + "".join("<!ENTITY %s \"%s\">\n" % (chr(ord("b") + i), ("&%s;" % chr(ord("a") + i)) * 10)
                    for i in range(9))
          + "]>\n<feedback><report_metadata><org_name>&j;</org_name></report_metadata></feedback>\n")
message("entities", "Report Domain: steamr.com Submitter: laughs.example Report-ID: <l>",
        "text/xml", "laughs.xml", laughs.encode())
xxe = ("<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
       "<feedback><report_metadata><org_name>&x;</org_name></report_metadata></feedback>\n")
message("xxe", "Report Domain: steamr.com Submitter: xxe.example Report-ID: <x>",
        "application/xml", "xxe.xml", xxe.encode())
