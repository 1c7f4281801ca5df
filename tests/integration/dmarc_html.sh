#!/usr/bin/env bash
# `mailroom dmarc summary --html FILE` (issue 17), looked at as a person
# would: two reports over two days (one from a reporter whose name is
# markup: report content is hostile) are delivered to the reports mailbox,
# the page is written, and headless Chromium renders it. The screenshot
# must be the window's size, not one colour, and show the chart's DMARC
# line colour; the DOM must hold the source addresses, message counts and
# percentages of the reports, per source and per period, and the hostile
# name as text, never as an element.
TEST_NAME=dmarc_html
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

require_root
find_mailroom
require_cmd chromium
/usr/bin/python3 -c 'import PIL' 2>/dev/null || skip "needs python3-pil (scripts/setup test)"
make_scratch
install_mailroom
make_user U mrdmht
HOMEU="$T/home/$U"
STORE="$HOMEU/.mailroom/dmarc-reports"
HOSTILE='<script>alert(1)</script><img src=x onerror=alert(2)>'

# Two plain-XML reports for steamr.com: 2026-12-04 from the hostile
# reporter, 2026-12-05 from google.com.
/usr/bin/python3 - "$T" "$HOSTILE" <<'EOF'
import base64, sys
from xml.sax.saxutils import escape
out, hostile = sys.argv[1], sys.argv[2]

def record(ip, count, dkim, spf):
    return ("<record><row><source_ip>%s</source_ip><count>%d</count><policy_evaluated>"
            "<disposition>none</disposition><dkim>%s</dkim><spf>%s</spf></policy_evaluated>"
            "</row><identifiers><header_from>steamr.com</header_from></identifiers>"
            "<auth_results><dkim><domain>steamr.com</domain><result>%s</result></dkim>"
            "<spf><domain>steamr.com</domain><result>%s</result></spf></auth_results></record>"
            % (ip, count, dkim, spf, dkim, spf))

def report(name, org, rid, begin, records):
    xml = ("<?xml version=\"1.0\"?><feedback><report_metadata><org_name>%s</org_name>"
           "<email>dmarc@reporter.example</email><report_id>%s</report_id><date_range>"
           "<begin>%d</begin><end>%d</end></date_range></report_metadata><policy_published>"
           "<domain>steamr.com</domain><p>none</p></policy_published>%s</feedback>"
           % (escape(org), rid, begin, begin + 86399, "".join(records)))
    body = base64.encodebytes(xml.encode()).decode()
    with open("%s/%s.eml" % (out, name), "w") as f:
        f.write("From: noreply@reporter.example\nTo: dmarc@steamr.com\n"
                "Subject: Report Domain: steamr.com Report-ID: <%s>\n"
                "Message-ID: <%s@reporter.example>\nMIME-Version: 1.0\n"
                "Content-Type: text/xml; name=\"r.xml\"\n"
                "Content-Transfer-Encoding: base64\n\n%s" % (rid, rid, body))

report("day1", hostile, "html-1", 1796342400, [record("192.0.2.7", 200, "fail", "fail"),
                                              record("198.51.100.10", 50, "pass", "pass")])
report("day2", "google.com", "html-2", 1796428800, [record("192.0.2.7", 300, "pass", "fail"),
                                                   record("198.51.100.10", 40, "pass", "pass")])
EOF
for f in day1 day2; do
  "$MAILROOM" deliver -d "$U" -r dmarc@steamr.com -f noreply@reporter.example \
    -o log.target=stderr "${HERMETIC[@]}" -o "dmarc_report.reports_mailbox=dmarc@steamr.com" \
    <"$T/$f.eml" >/dev/null 2>"$T/err.$f" || fail "deliver $f: exit $?: $(head -c 300 "$T/err.$f")"
done
grep -q "stored report html-1" "$T/err.day1" && grep -q "stored report html-2" "$T/err.day2" &&
  pass "both reports stored" || fail "not stored: $(cat "$T"/err.day*)"

PAGE="$T/page.html"
"$MAILROOM" dmarc summary --no-dns --store "$STORE" --html "$PAGE" >"$T/summary" 2>"$T/err" ||
  fail "summary --html: exit $?: $(cat "$T/err")"
[ -s "$PAGE" ] && pass "--html wrote the page" || fail "no page at $PAGE"
grep -qF "192.0.2.7: 500 messages, DMARC pass 60%" "$T/summary" &&
  pass "the text summary still printed beside it" || fail "summary: $(cat "$T/summary")"
/usr/bin/python3 - "$PAGE" <<'EOF' && pass "self-contained: no script, link, src, href or url() in the page" ||
import html.parser, sys

class Refs(html.parser.HTMLParser):
    found, in_style = [], False
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "link", "iframe", "object", "embed", "img", "image", "use"):
            self.found.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset") or name.startswith("on"):
                self.found.append(name)
            if name == "style" and "url(" in (value or ""):
                self.found.append(value)
        self.in_style = tag == "style"
    def handle_data(self, data):
        if self.in_style and ("url(" in data or "@import" in data or "@font-face" in data):
            self.found.append("external reference in <style>")

r = Refs()
r.feed(open(sys.argv[1]).read())
assert not r.found, r.found
EOF
  fail "the page refers to something outside it or carries a script"
"$MAILROOM" dmarc summary --no-dns --store "$STORE" --html "$T/no/such/dir/p.html" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 73 ] && pass "an unwritable --html FILE: exit 73" || fail "unwritable FILE: exit $rc, want 73"

# Chromium as root: no sandbox (it refuses root with one), its profile,
# cache and config inside the scratch dir, removed with it.
B="$T/browser"
mkdir -p "$B/home" "$B/config" "$B/cache" "$B/data" "$B/runtime" "$B/profile"
chmod 0700 "$B/runtime"
browse() {
  HOME="$B/home" XDG_CONFIG_HOME="$B/config" XDG_CACHE_HOME="$B/cache" \
    XDG_DATA_HOME="$B/data" XDG_RUNTIME_DIR="$B/runtime" \
    timeout 90 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-dev-shm-usage --user-data-dir="$B/profile" --hide-scrollbars "$@" 2>>"$T/chromium.err"
}
browse --screenshot="$T/shot.png" --window-size=1000,1600 "file://$PAGE" >/dev/null ||
  fail "chromium --screenshot: exit $?: $(tail -5 "$T/chromium.err")"
/usr/bin/python3 - "$T/shot.png" <<'EOF' && pass "screenshot: 1000x1600, many colours, the DMARC line drawn" ||
from PIL import Image
import sys
img = Image.open(sys.argv[1]).convert("RGB")
assert img.size == (1000, 1600), img.size
colours = img.getcolors(maxcolors=1 << 20)
assert colours is not None and len(colours) > 16, "a blank page: %d colours" % len(colours or [])
# The DMARC series is drawn in #1b7a3a: its pixels exist only if the chart rendered.
green = sum(n for n, (r, g, b) in colours if abs(r - 27) < 24 and abs(g - 122) < 24 and abs(b - 58) < 24)
assert green > 1000, "DMARC line: %d pixels of its colour" % green
EOF
  fail "screenshot: $(/usr/bin/python3 -c 'from PIL import Image; import sys; i=Image.open(sys.argv[1]); print(i.size, len(i.getcolors(1<<20) or []))' "$T/shot.png" 2>&1)"

browse --dump-dom "file://$PAGE" >"$T/dom.html" || fail "chromium --dump-dom: exit $?: $(tail -5 "$T/chromium.err")"
/usr/bin/python3 - "$T/dom.html" "$HOSTILE" <<'EOF' && pass "DOM: every figure, per source and period; the hostile name is text" ||
import html.parser, sys
dom, hostile = open(sys.argv[1]).read(), sys.argv[2]

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.rows, self.row, self.cell, self.polylines = [], [], None, None, 0
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.polylines += tag == "polyline"
        if tag == "tr": self.row = []
        if tag in ("td", "th"): self.cell = ""
    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None: self.row.append(self.cell); self.cell = None
        if tag == "tr": self.rows.append(self.row); self.row = None
    def handle_data(self, data):
        if self.cell is not None: self.cell += data

p = Page()
p.feed(dom)
assert "script" not in p.tags and "img" not in p.tags, "markup from a report became elements"
assert ["steamr.com", hostile, "1", "250", "20%"] in p.rows, "hostile reporter row: %s" % p.rows
assert ["steamr.com", "google.com", "1", "340", "100%"] in p.rows, p.rows
# per source: domain, source, reverse name, messages, DMARC, DKIM, SPF
assert ["steamr.com", "192.0.2.7", "", "500", "60%", "60%", "0%"] in p.rows, p.rows
assert ["steamr.com", "198.51.100.10", "", "90", "100%", "100%", "100%"] in p.rows, p.rows
# per source and period (the chart's figures)
for row in (["2026-12-04", "200", "0%", "0%", "0%"], ["2026-12-05", "300", "100%", "100%", "0%"],
            ["2026-12-04", "50", "100%", "100%", "100%"], ["2026-12-05", "40", "100%", "100%", "100%"]):
    assert row in p.rows, "period row %s not in %s" % (row, p.rows)
assert p.polylines == 6, "%d chart lines, want 3 per source" % p.polylines
assert "192.0.2.7 sent 500 messages as steamr.com" in dom, "no advice"
EOF
  fail "DOM: $(head -c 600 "$T/dom.html")"
finish
