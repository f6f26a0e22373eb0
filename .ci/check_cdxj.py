"""Checks that tracuu's CDXJ index of a WARC file says what cdxj-indexer (pywb's indexer) says.

Usage: python3 .ci/check_cdxj.py FILE.warc.gz   (the .cdxj beside it is compared)
Compared per capture: SURT key, timestamp, URL, digest, offset, length, status.
"""

import io
import json
import sys
from pathlib import Path

from cdxj_indexer.main import main as cdxj_indexer


def rows(lines):
    out = []
    for line in lines:
        if not line.strip():
            continue
        key, timestamp, blob = line.split(" ", 2)
        fields = json.loads(blob)
        out.append((key, timestamp) + tuple(fields.get(k) for k in ("url", "digest", "offset", "length", "status")))
    return sorted(out)


def main(warc):
    warc = Path(warc)
    ours = warc.with_name(warc.name[: -len(".warc.gz")] + ".cdxj")
    captured = io.StringIO()
    stdout, sys.stdout = sys.stdout, captured
    try:
        cdxj_indexer([str(warc)])
    finally:
        sys.stdout = stdout
    theirs = rows(captured.getvalue().splitlines())
    mine = rows(ours.read_text(encoding="utf-8").splitlines())
    if mine != theirs:
        only_mine = [r for r in mine if r not in theirs][:5]
        only_theirs = [r for r in theirs if r not in mine][:5]
        print(f"{ours}: differs from cdxj-indexer ({len(mine)} vs {len(theirs)} rows)")
        print("only ours:", *only_mine, sep="\n  ")
        print("only cdxj-indexer's:", *only_theirs, sep="\n  ")
        return 1
    print(f"{ours}: {len(mine)} rows, same as cdxj-indexer")
    return 0


if __name__ == "__main__":
    sys.exit(max(main(f) for f in sys.argv[1:]))
