#!/usr/bin/python3
"""Checks what an MDA left in a Maildir.

usage: maildir_check.py MAILDIR [--originals DIR] [--expect N] [--tmp-empty]
                        [--require-ids FILE]

Always: every file in new/ and cur/ has a name of the form
<secs>.M<usec>P<pid>Q<n>.<host>,S=<size>[,W=<size>][:2,flags] whose S= is
the file's size and whose W= (if present) is the size with CRLF line ends.

--originals DIR: DIR holds <id>.eml, the messages as sent; each carries a
  header "X-Test-Id: <id>". Every delivered file must end with the exact
  bytes of its original, preceded only by header lines (what the MDA adds),
  and no id may be delivered twice.
--expect N: exactly N files in new/ + cur/.
--tmp-empty: nothing left in tmp/.
--require-ids FILE: every id listed in FILE (one a line) was delivered
  (with --originals).
Prints one line per problem (at most 20) and a summary; exit 1 on any.
"""
import argparse
import os
import re
import sys

NAME = re.compile(
    r"^(\d+)\.M(\d+)P(\d+)Q(\d+)\.([^,:/]+),S=(\d+)(?:,W=(\d+))?(?::2,[A-Za-z]*)?$"
)
ID = re.compile(rb"^X-Test-Id: *(\S+)\r?$", re.M | re.I)
HEADER_LINE = re.compile(rb"^(?:[!-9;-~]+:.*|[ \t].*)\r?$")


def delivered_files(maildir):
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            yield os.path.join(d, name), name


def check_name(path, name, data, problems):
    m = NAME.match(name)
    if not m:
        problems.append(f"{path}: name does not match <secs>.M<usec>P<pid>Q<n>.<host>,S=<size>")
        return
    if int(m.group(6)) != len(data):
        problems.append(f"{path}: S={m.group(6)} but the file has {len(data)} bytes")
    if m.group(7) is not None:
        crlf = len(data) + data.count(b"\n") - data.count(b"\r\n")
        if int(m.group(7)) != crlf:
            problems.append(f"{path}: W={m.group(7)} but the CRLF size is {crlf}")


def check_content(path, data, originals, seen, problems):
    m = ID.search(data)
    if not m:
        problems.append(f"{path}: no X-Test-Id header (foreign or truncated file)")
        return
    tid = m.group(1).decode(errors="replace")
    if tid in seen:
        problems.append(f"{path}: DUPLICATE of {seen[tid]} (id {tid})")
        return
    seen[tid] = path
    orig_path = os.path.join(originals, tid + ".eml")
    try:
        with open(orig_path, "rb") as f:
            orig = f.read()
    except OSError:
        problems.append(f"{path}: id {tid} was never sent")
        return
    if orig.startswith(b"From "):
        orig = orig[orig.index(b"\n") + 1:]
    if not data.endswith(orig):
        problems.append(f"{path}: content differs from what was sent (id {tid}, "
                        f"{len(data)} vs {len(orig)} bytes)")
        return
    prefix = data[: len(data) - len(orig)]
    for line in prefix.splitlines():
        if not HEADER_LINE.match(line):
            problems.append(f"{path}: added text is not a header line: {line[:60]!r}")
            return


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("maildir")
    ap.add_argument("--originals")
    ap.add_argument("--expect", type=int)
    ap.add_argument("--tmp-empty", action="store_true")
    ap.add_argument("--require-ids")
    args = ap.parse_args()

    problems, seen, count = [], {}, 0
    for path, name in delivered_files(args.maildir):
        count += 1
        with open(path, "rb") as f:
            data = f.read()
        check_name(path, name, data, problems)
        if args.originals:
            check_content(path, data, args.originals, seen, problems)
    if args.expect is not None and count != args.expect:
        problems.append(f"{args.maildir}: {count} files delivered, expected {args.expect}")
    if args.require_ids:
        with open(args.require_ids) as f:
            wanted = [line.strip() for line in f if line.strip()]
        lost = [w for w in wanted if w not in seen]
        if lost:
            problems.append(f"{len(lost)} id(s) reported delivered (exit 0) but not in the "
                            f"Maildir, e.g. {lost[:5]}")
    if args.tmp_empty:
        tmp = os.path.join(args.maildir, "tmp")
        left = os.listdir(tmp) if os.path.isdir(tmp) else []
        if left:
            problems.append(f"{tmp}: {len(left)} file(s) left behind, e.g. {left[0]}")
    for p in problems[:20]:
        print(p)
    if len(problems) > 20:
        print(f"... and {len(problems) - 20} more")
    print(f"maildir_check: {count} files, {len(seen)} ids, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
