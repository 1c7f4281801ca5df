#!/usr/bin/python3
"""Writes test messages: gen_messages.py OUTDIR PREFIX[,PREFIX...] COUNT [MIN_BYTES MAX_BYTES]

Each message is OUTDIR/<PREFIX><n>.eml with a unique "X-Test-Id: <PREFIX><n>"
header and a pseudo-random body (fixed seed per id, so reruns are identical)
between MIN_BYTES and MAX_BYTES long (defaults 1000 and 16000).
"""
import os
import random
import sys

WORDS = ("mailbox delivery queue relay header folder sieve quota maildir "
         "rename fsync inode journal postmaster bounce defer retry envelope "
         "recipient sender domain lorem ipsum dolor amet tempus fugit").split()


def message(tid: str, size: int) -> bytes:
    rnd = random.Random(tid)
    head = (f"Received: from client.example.com by mx.example.net; Sat, 28 Nov 2026 12:00:00 +0000\n"
            f"From: Test Sender <sender@example.com>\n"
            f"To: <rcpt@example.net>\n"
            f"Subject: message {tid}\n"
            f"Date: Sat, 28 Nov 2026 12:00:00 +0000\n"
            f"Message-ID: <{tid}@example.com>\n"
            f"X-Test-Id: {tid}\n"
            f"MIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=us-ascii\n\n")
    lines, total = [], len(head)
    while total < size:
        line = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 12))) + "\n"
        lines.append(line)
        total += len(line)
    return (head + "".join(lines)).encode()


def main() -> int:
    out, prefixes, count = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
    lo = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    hi = int(sys.argv[5]) if len(sys.argv) > 5 else 16000
    os.makedirs(out, exist_ok=True)
    for tid in (f"{p}{n}" for p in prefixes for n in range(1, count + 1)):
        size = random.Random(tid + "size").randint(lo, hi)
        with open(os.path.join(out, tid + ".eml"), "wb") as f:
            f.write(message(tid, size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
