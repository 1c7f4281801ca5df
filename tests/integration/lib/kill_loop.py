#!/usr/bin/python3
"""kill -9 at random points during deliveries.

usage: kill_loop.py MAILROOM USER MSGDIR PREFIX COUNT SEED [DELIVER-ARG...]

Measures the mean time of one delivery (the first 5 messages, not killed),
then for each remaining message starts `MAILROOM deliver -d USER`, sleeps a
random time in [0, 1.5 x mean] and sends SIGKILL. Prints "<id> <exit>" per
message (exit -9 = killed, 0 = finished first) and a summary on stderr.
"""
import random
import signal
import subprocess
import sys
import time


def start(binary, user, path, extra):
    with open(path, "rb") as f:
        return subprocess.Popen(
            [binary, "deliver", *extra, "-d", user, "-f", "sender@example.com"],
            stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    binary, user, msgdir, prefix = sys.argv[1:5]
    count, seed, extra = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7:]
    rnd = random.Random(seed)
    warm = min(5, count)
    t0 = time.monotonic()
    for n in range(1, warm + 1):
        rc = start(binary, user, f"{msgdir}/{prefix}{n}.eml", extra).wait()
        print(f"{prefix}{n} {rc}")
    mean = (time.monotonic() - t0) / max(warm, 1)
    killed = 0
    for n in range(warm + 1, count + 1):
        p = start(binary, user, f"{msgdir}/{prefix}{n}.eml", extra)
        time.sleep(rnd.uniform(0, 1.5 * mean))
        p.send_signal(signal.SIGKILL)
        rc = p.wait()
        killed += rc == -9
        print(f"{prefix}{n} {rc}")
    print(f"kill_loop: mean delivery {mean * 1000:.1f} ms, {killed} of {count - warm} killed "
          f"before they finished", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
