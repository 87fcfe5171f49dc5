"""How fast the ServiceTitan sandbox serves a full export of every resource.

    python bench/st_sandbox_export.py --scale 150 [--http]

Builds a tenant of the given scale, then walks every export endpoint from the beginning to
``hasMore: false`` (1000 records a page) and reports records per second, per resource and in
all. Without ``--http`` it calls the vendor object directly (generation plus JSON encoding:
the sandbox alone); with ``--http`` it goes through the real server on loopback with
``requests``, as the sync would, including the client's JSON decoding.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.vendors import SANDBOX_ST_APP_KEY, SANDBOX_ST_TENANT_ID
from sandbox.http import Request
from sandbox.server import SandboxApp, start_sandbox
from sandbox.servicetitan import ServiceTitanSandbox
from sandbox.servicetitan.resources import RESOURCES


def rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


HEAD = re.compile(rb'^\{"hasMore":(true|false),"continueFrom":"([^"]*)"')


def walk_direct(vendor: ServiceTitanSandbox, path: str, headers: dict) -> int:
    """Bytes of a full walk through ``vendor.handle``. Only the envelope's head is read, so
    the time is the sandbox's alone."""
    token, size = None, 0
    while True:
        query = {"from": [token]} if token else {}
        body = vendor.handle(Request("GET", path, query, headers)).body
        more, token = HEAD.match(body).groups()
        size, token = size + len(body), token.decode()
        if more == b"false":
            return size


def walk_http(session, url: str, headers: dict) -> tuple[int, int]:
    token, records, size = None, 0, 0
    while True:
        response = session.get(url, params={"from": token} if token else {}, headers=headers)
        page = response.json()
        records, size, token = records + len(page["data"]), size + len(response.content), \
            page["continueFrom"]
        if not page["hasMore"]:
            return records, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=150)
    parser.add_argument("--http", action="store_true", help="through the server on loopback")
    args = parser.parse_args()
    started = time.perf_counter()
    vendor = ServiceTitanSandbox(scale=args.scale, rate_limit=None)
    print(f"scale {args.scale}: {vendor.counts()['total']:,} records, built in "
          f"{time.perf_counter() - started:.1f} s, RSS {rss_mb()} MB")
    headers = {"authorization": f"Bearer {vendor.issue_token()}", "st-app-key": SANDBOX_ST_APP_KEY}
    running = start_sandbox(app=SandboxApp({"servicetitan": vendor})) if args.http else None
    if running:
        import requests

        session = requests.Session()
    total_records = total_bytes = 0
    total_time = 0.0
    for item in RESOURCES:
        template = item.path("export")
        if template is None:
            continue
        path = template.format(tenant=SANDBOX_ST_TENANT_ID)
        began = time.perf_counter()
        if running:
            records, size = walk_http(session, f"{running.url}/servicetitan{path}", headers)
        else:
            size = walk_direct(vendor, path, headers)
            records = vendor.counts()[item.name]
        spent = time.perf_counter() - began
        total_records, total_bytes, total_time = (total_records + records, total_bytes + size,
                                                  total_time + spent)
        print(f"  {item.name:24} {records:9,} records {records / spent:9,.0f}/s")
    print(f"all exports: {total_records:,} records, {total_bytes / 1e6:,.0f} MB in "
          f"{total_time:.1f} s = {total_records / total_time:,.0f} records/s "
          f"({'HTTP on loopback' if running else 'direct'}); RSS {rss_mb()} MB")
    if running:
        running.stop()


if __name__ == "__main__":
    main()
