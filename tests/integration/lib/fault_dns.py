#!/usr/bin/python3
"""A DNS server that fails on purpose, for timeout and SERVFAIL tests.

usage: fault_dns.py MODE PORT COUNTFILE
  MODE drop      reads every query and never answers (the client times out)
  MODE servfail  answers every query with RCODE 2 (SERVFAIL)

Listens on 127.0.0.1:PORT (UDP and TCP) and writes the number of queries
received so far to COUNTFILE after each one, so a test can also prove that
no query was made. Runs until killed.
"""
import os
import select
import socket
import struct
import sys

SERVFAIL = 2


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
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("127.0.0.1", port))
    tcp.listen(8)
    held = []  # TCP connections kept open and silent in drop mode
    received = 0
    count(countfile, received)
    while True:
        ready, _, _ = select.select([udp, tcp], [], [])
        for sock in ready:
            if sock is udp:
                query, peer = udp.recvfrom(4096)
                received += 1
                count(countfile, received)
                reply = servfail_reply(query) if mode == "servfail" else None
                if reply:
                    udp.sendto(reply, peer)
            else:
                conn, _ = tcp.accept()
                conn.settimeout(1)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                received += 1
                count(countfile, received)
                reply = servfail_reply(data[2:]) if mode == "servfail" else None
                if reply:
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
                    conn.close()
                else:
                    held.append(conn)


if __name__ == "__main__":
    main()
