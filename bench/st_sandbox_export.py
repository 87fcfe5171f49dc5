"""How fast the ServiceTitan sandbox serves a full export of every resource.

    python bench/st_sandbox_export.py --scale 150            # the sandbox alone
    python bench/st_sandbox_export.py --scale 150 --http     # + HTTP and a client, one process
    python bench/st_sandbox_export.py --url http://127.0.0.1:8765   # a running `manage.py sandbox`

Walks every export endpoint from the beginning to ``hasMore: false`` (1000 records a page)
and reports records per second, per resource and in all. The default calls the vendor object
directly and reads only each page's envelope head: generation plus JSON encoding, the sandbox
alone. ``--http`` serves it on loopback from a thread and reads it with ``requests`` and
``json`` (server and client then share one GIL); ``--url`` reads a sandbox running in another
process, as the sync does.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.credentials import (
    SANDBOX_ST_APP_KEY,
    SANDBOX_ST_CLIENT_ID,
    SANDBOX_ST_CLIENT_SECRET,
    SANDBOX_ST_TENANT_ID,
)
from sandbox.http import Request
from sandbox.server import SandboxApp, start_sandbox
from sandbox.servicetitan import ServiceTitanSandbox
from sandbox.servicetitan.resources import RESOURCES

HEAD = re.compile(rb'^\{"hasMore":(true|false),"continueFrom":"([^"]*)"')


def rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def walk_direct(vendor: ServiceTitanSandbox, name: str, path: str,
                headers: dict) -> tuple[int, int]:
    """(records, bytes) of a full walk through ``vendor.handle``. Only the envelope's head
    is parsed, so the time is the sandbox's alone."""
    token, size = None, 0
    while True:
        query = {"from": [token]} if token else {}
        body = vendor.handle(Request("GET", path, query, headers)).body
        more, token = HEAD.match(body).groups()
        size, token = size + len(body), token.decode()
        if more == b"false":
            return vendor.counts()[name], size


def walk_http(session: requests.Session, url: str, headers: dict) -> tuple[int, int]:
    token, records, size = None, 0, 0
    while True:
        response = session.get(url, params={"from": token} if token else {}, headers=headers)
        response.raise_for_status()
        page = response.json()
        records, size = records + len(page["data"]), size + len(response.content)
        token = page["continueFrom"]
        if not page["hasMore"]:
            return records, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=150)
    parser.add_argument("--http", action="store_true", help="through a loopback server thread")
    parser.add_argument("--url", help="a sandbox already running elsewhere (rate limit off!)")
    args = parser.parse_args()
    session = requests.Session()
    running = vendor = None
    if args.url:
        base = args.url.rstrip("/")
        token = session.post(f"{base}/servicetitan/connect/token", data={
            "grant_type": "client_credentials", "client_id": SANDBOX_ST_CLIENT_ID,
            "client_secret": SANDBOX_ST_CLIENT_SECRET}).json()["access_token"]
        session.post(f"{base}/servicetitan/_control/options", json={"rate_limit": None})
        print(f"sandbox at {base}")
    else:
        started = time.perf_counter()
        vendor = ServiceTitanSandbox(scale=args.scale, rate_limit=None)
        print(f"scale {args.scale}: {vendor.counts()['total']:,} records, built in "
              f"{time.perf_counter() - started:.1f} s, RSS {rss_mb()} MB")
        token = vendor.issue_token()
        if args.http:
            running = start_sandbox(app=SandboxApp({"servicetitan": vendor}))
            base = running.url
    headers = {"Authorization": f"Bearer {token}", "ST-App-Key": SANDBOX_ST_APP_KEY}
    totals = [0, 0, 0.0]
    for item in RESOURCES:
        template = item.path("export")
        if template is None:
            continue
        path = template.format(tenant=SANDBOX_ST_TENANT_ID)
        began = time.perf_counter()
        if vendor is not None and running is None:
            lower = {key.lower(): value for key, value in headers.items()}
            records, size = walk_direct(vendor, item.name, path, lower)
        else:
            records, size = walk_http(session, f"{base}/servicetitan{path}", headers)
        spent = time.perf_counter() - began
        totals = [totals[0] + records, totals[1] + size, totals[2] + spent]
        print(f"  {item.name:24} {records:9,} records {records / spent:9,.0f}/s")
    how = "direct" if running is None and vendor is not None else "HTTP on loopback"
    print(f"all exports: {totals[0]:,} records, {totals[1] / 1e6:,.0f} MB in {totals[2]:.1f} s "
          f"= {totals[0] / totals[2]:,.0f} records/s ({how}); RSS {rss_mb()} MB")
    if running:
        running.stop()


if __name__ == "__main__":
    main()
