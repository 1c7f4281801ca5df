#!/usr/bin/python3
"""kill -9 at random points during deliveries.

usage: kill_loop.py [--retry] MAILROOM USER MSGDIR PREFIX COUNT SEED [DELIVER-ARG...]

Measures the mean time of one delivery (the first 5 messages, not killed),
then for each remaining message starts `MAILROOM deliver -d USER`, sleeps a
random time in [0, 1.5 x mean] and sends SIGKILL. Prints "<id> <exit>" per
message (exit -9 = killed, 0 = finished first) and a summary on stderr.

--retry: as an MTA does, each message is delivered again until an attempt
exits 0 (at most 20 attempts); every attempt but the 20th is killed at a
random moment with probability 3/4. Prints "<id> <final exit> <attempts>
<retries recognised as already delivered>" per message.
"""
import random
import signal
import subprocess
import sys
import time


def start(binary, user, path, extra, stderr=subprocess.DEVNULL):
    with open(path, "rb") as f:
        return subprocess.Popen(
            [binary, "deliver", *extra, "-d", user, "-f", "sender@example.com"],
            stdin=f, stdout=subprocess.DEVNULL, stderr=stderr)


def deliver_until_done(binary, user, path, extra, rnd, mean):
    """One message, MTA style: retried until an attempt exits 0."""
    recognised = 0
    for attempt in range(1, 21):
        p = start(binary, user, path, extra, stderr=subprocess.PIPE)
        if attempt < 20 and rnd.random() < 0.75:
            time.sleep(rnd.uniform(0, 1.5 * mean))
            p.send_signal(signal.SIGKILL)
        _, err = p.communicate()
        recognised += b"already delivered" in err
        if p.returncode == 0:
            return 0, attempt, recognised
    return p.returncode, attempt, recognised


def campaign(binary, user, msgdir, prefix, count, seed, extra) -> int:
    rnd = random.Random(seed)
    t0 = time.monotonic()
    warm = min(5, count)
    for n in range(1, warm + 1):
        rc = start(binary, user, f"{msgdir}/{prefix}{n}.eml", extra).wait()
        print(f"{prefix}{n} {rc} 1 0")
    mean = (time.monotonic() - t0) / max(warm, 1)
    attempts = recognised = 0
    for n in range(warm + 1, count + 1):
        rc, tries, seen = deliver_until_done(binary, user, f"{msgdir}/{prefix}{n}.eml", extra,
                                             rnd, mean)
        attempts += tries
        recognised += seen
        print(f"{prefix}{n} {rc} {tries} {seen}")
    print(f"kill_loop: mean delivery {mean * 1000:.1f} ms; {count - warm} messages took "
          f"{attempts} attempts; {recognised} retries were recognised as already delivered",
          file=sys.stderr)
    return 0


def main() -> int:
    args = sys.argv[1:]
    retry = bool(args) and args[0] == "--retry"
    if retry:
        args = args[1:]
    binary, user, msgdir, prefix = args[0:4]
    count, seed, extra = int(args[4]), int(args[5]), args[6:]
    if retry:
        return campaign(binary, user, msgdir, prefix, count, seed, extra)
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
