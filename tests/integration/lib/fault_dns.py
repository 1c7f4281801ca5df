#!/usr/bin/python3
"""A DNS server that fails on purpose, for timeout and SERVFAIL tests.

usage: fault_dns.py MODE PORT COUNTFILE [ZONEFILE]
  MODE drop      reads every query and never answers (the client times out)
  MODE servfail  answers every query with RCODE 2 (SERVFAIL)
  MODE zone      answers from ZONEFILE, each answer after its own delay: a
                 hostile server that is slow only where it wants to be
                 (issue 12: a slow SPF include: chain). ZONEFILE lines:
                   NAME TYPE DELAY_MS DATA     (TYPE is TXT or A)
                 A name not in the file is NXDOMAIN, another type NODATA.
                 Delayed answers do not hold up the others.

Listens on 127.0.0.1:PORT (UDP and TCP) and writes the number of queries
received so far to COUNTFILE after each one, so a test can also prove that
no query was made. Runs until killed.
"""
import heapq
import os
import select
import socket
import struct
import sys
import time

SERVFAIL = 2
NXDOMAIN = 3
TYPES = {"A": 1, "TXT": 16}


def load_zone(path):
    """{(name, qtype): (delay_s, [rdata])} and the set of names."""
    zone, names = {}, set()
    with open(path) as f:
        for line in f:
            parts = line.split(None, 3)
            if len(parts) < 4 or line.startswith("#"):
                continue
            name, rtype, delay, data = parts
            name = name.rstrip(".").lower()
            data = data.strip()
            if rtype == "A":
                rdata = socket.inet_aton(data)
            else:
                text = data.strip('"').encode()
                rdata = b"".join(bytes([len(text[i:i + 255])]) + text[i:i + 255]
                                 for i in range(0, max(len(text), 1), 255))
            key = (name, TYPES[rtype])
            old = zone.get(key, (int(delay) / 1000.0, []))
            zone[key] = (old[0], old[1] + [rdata])
            names.add(name)
    return zone, names


def question(query):
    """(qname lower-case, qtype, end offset of the question) or None."""
    labels, at = [], 12
    while at < len(query) and query[at] != 0:
        n = query[at]
        labels.append(query[at + 1:at + 1 + n].decode("ascii", "replace"))
        at += n + 1
    if at + 5 > len(query):
        return None
    qtype = struct.unpack("!H", query[at + 1:at + 3])[0]
    return ".".join(labels).lower(), qtype, at + 5


def zone_reply(query, zone, names):
    """(delay in seconds, reply) for a query, from the zone."""
    if len(query) < 12:
        return 0, None
    q = question(query)
    if q is None:
        return 0, None
    name, qtype, end = q
    ident, flags = struct.unpack("!HH", query[:4])
    delay, records = zone.get((name, qtype), (0, []))
    rcode = 0 if name in names else NXDOMAIN
    flags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode  # QR AA RD RA
    out = struct.pack("!HHHHHH", ident, flags, 1, len(records), 0, 0) + query[12:end]
    for rdata in records:
        out += struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(rdata)) + rdata
    return delay, out


def servfail_reply(query):
    """The query's header and question back, QR=1, RA=1, RCODE=SERVFAIL."""
    if len(query) < 12:
        return None
    ident, flags = struct.unpack("!HH", query[:4])
    flags = 0x8000 | (flags & 0x7900) | 0x0080 | SERVFAIL  # QR, opcode, RD kept, RA
    qdcount = struct.unpack("!H", query[4:6])[0]
    end = 12
    for _ in range(min(qdcount, 1)):
        while end < len(query) and query[end] != 0:
            end += query[end] + 1
        end += 5  # the zero label, QTYPE, QCLASS
    return struct.pack("!HHHHHH", ident, flags, min(qdcount, 1), 0, 0, 0) + query[12:end]


def count(path, n):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % n)
    os.replace(tmp, path)


def main():
    mode, port, countfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    zone, names = load_zone(sys.argv[4]) if mode == "zone" else ({}, set())
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("127.0.0.1", port))
    tcp.listen(8)
    held = []  # TCP connections kept open and silent in drop mode
    due = []  # (time, sequence, send function) of delayed answers
    received = 0
    count(countfile, received)

    def reply_for(data):
        if mode == "servfail":
            return 0, servfail_reply(data)
        if mode == "zone":
            return zone_reply(data, zone, names)
        return 0, None

    while True:
        timeout = max(0.0, due[0][0] - time.monotonic()) if due else None
        ready, _, _ = select.select([udp, tcp], [], [], timeout)
        while due and due[0][0] <= time.monotonic():
            heapq.heappop(due)[2]()
        for sock in ready:
            if sock is udp:
                query, peer = udp.recvfrom(4096)
                received += 1
                count(countfile, received)
                delay, reply = reply_for(query)
                if reply:
                    send = (lambda r, p: lambda: udp.sendto(r, p))(reply, peer)
                    heapq.heappush(due, (time.monotonic() + delay, received, send))
            else:
                conn, _ = tcp.accept()
                conn.settimeout(1)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                received += 1
                count(countfile, received)
                _, reply = reply_for(data[2:])
                if reply:
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
                    conn.close()
                else:
                    held.append(conn)


if __name__ == "__main__":
    main()
