"""pywb, the standard replay tool, must replay our WARC files: a collection is made of the
given WARC files, `wayback` serves it, and one archived HTML page must answer 200 with its
content (original bytes, `id_`) and rewritten (`mp_`).

Usage: python3 .ci/check_pywb.py WORK_DIR FILE.warc.gz...
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_html_capture(warcs):
    """(timestamp, url) of the first archived HTML page with status 200, from our CDXJ."""
    for warc in warcs:
        cdxj = warc[: -len(".warc.gz")] + ".cdxj"
        with open(cdxj, encoding="utf-8") as f:
            for line in f:
                _key, ts, fields = line.split(" ", 2)
                fields = json.loads(fields)
                if fields.get("mime") == "text/html" and fields.get("status") == "200":
                    return ts, fields["url"]
    raise SystemExit("no HTML page in the CDXJ")


def main():
    work, warcs = sys.argv[1], sys.argv[2:]
    os.makedirs(work, exist_ok=True)
    subprocess.run(["wb-manager", "init", "tracuu"], cwd=work, check=True)
    subprocess.run(["wb-manager", "add", "tracuu", *map(os.path.abspath, warcs)], cwd=work, check=True)
    ts, url = first_html_capture(warcs)
    port = free_port()
    server = subprocess.Popen(
        ["wayback", "--port", str(port), "--bind", "127.0.0.1"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        failures = []
        for modifier in ("id_", "mp_"):
            address = f"http://127.0.0.1:{port}/tracuu/{ts}{modifier}/{url}"
            for _ in range(120):
                try:
                    with urllib.request.urlopen(address, timeout=10) as response:
                        body = response.read()
                        status = response.status
                    break
                except urllib.error.HTTPError as error:
                    status, body = error.code, b""
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                raise SystemExit("pywb did not start")
            print(f"pywb {status} {address} ({len(body)} bytes)")
            if status != 200 or b"<html" not in body.lower():
                failures.append(address)
        if failures:
            raise SystemExit(f"pywb could not replay: {failures}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
