#!/usr/bin/python3
"""The oracle of ArcSealAgainstDkimpy: dkimpy's arc_verify (Debian
python3-dkim) on each DIR/*.eml, with the TXT records of DIR/keys.txt
("name<TAB>record" lines) as DNS. Prints "file cv" a line; exit 77 when
dkimpy is missing."""
import os
import sys

try:
    import dkim
except ImportError:
    sys.exit(77)

directory = sys.argv[1]
records = {}
with open(os.path.join(directory, "keys.txt"), encoding="ascii") as keys:
    for line in keys:
        name, _, record = line.rstrip("\n").partition("\t")
        records[name + "."] = record.encode()
        records[name] = record.encode()


def dnsfunc(name, timeout=5):
    return records.get(name.decode() if isinstance(name, bytes) else name)


for entry in sorted(os.listdir(directory)):
    if not entry.endswith(".eml"):
        continue
    with open(os.path.join(directory, entry), "rb") as f:
        message = f.read()
    cv, _, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
    verdict = cv.decode() if cv else "None"  # None: a chain that says cv=fail
    print(entry[:-4], verdict, reason.replace("\n", " "))
