"""Load on the inbound SMS webhook, beside a bare Django view and the floor of any such webhook,
under gunicorn on loopback.

    .venv/bin/python bench/webhook_load.py          # rates 50, 100, 200, 400/s, 5 max rounds
    .venv/bin/python bench/webhook_load.py --rates 100 300 --seconds 5 --max-connections 16

Starts gunicorn with the production config (deploy/gunicorn.conf.py; worker recycling off, so
the CPU accounting holds) on a free loopback port against a fresh PostgreSQL database
(``--database``, dropped and migrated first), serving the project plus two baselines
(``bench/webhook_urls.py``): the bare view (the full middleware stack, no signature check, no
database, answers an empty TwiML) and the floor (the signature check and the webhook's one
durable statement, nothing else). Then, for the bare view and the webhook, it offers signed
inbound-message POSTs at rising open-loop rates (each request has a scheduled send time;
latency is measured from it, so a server that falls behind shows it), and finally as fast as
``--max-connections`` keep-alive connections allow, for ``--seconds``: bare, floor and webhook
in turn, ``--rounds`` times (the shared machine's slow moments then hit all three; the median
of the rounds' ratios is the result). The target is the webhook at 0.5× the bare view or
better; the floor's own ratio is the most any webhook that stores the text durably could
reach on the machine at hand, and webhook ÷ floor is what our code costs beyond that.

Every inbound message is unique (its own MessageSid) and correctly signed for the URL it is
sent to; half come from numbers that are ServiceTitan contacts, so the customer lookup runs.
It prints requests/second, p50/p99 latency, the CPU time gunicorn and this database's
PostgreSQL backends spent per request (from /proc; at low rates it is mostly the idle
workers' own polling, so read it at "max"), and, per step of the floor and the webhook, how
many rows the database holds for the requests sent — every one must be there.

The load generator runs in ``--processes`` processes on the same two cores as the server, so
absolute figures understate what a dedicated server would do; the ratio to the bare view is
the figure to compare.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.credentials import SANDBOX_TWILIO_AUTH_TOKEN  # noqa: E402
from sandbox.twilio.signing import twilio_signature  # noqa: E402

SMS_PATH, BARE_PATH, FLOOR_PATH = "/webhooks/twilio/sms/", "/bench/bare/", "/bench/floor/"
PATHS = {"bare": BARE_PATH, "floor": FLOOR_PATH, "webhook": SMS_PATH}
KNOWN_NUMBERS = [f"+1407555{n:04d}" for n in range(100, 150)]    # ServiceTitan contacts
UNKNOWN_NUMBERS = [f"+1321555{n:04d}" for n in range(100, 150)]


@dataclass
class StepResult:
    view: str
    label: str
    sent: int = 0
    ok: int = 0
    errors: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    stored: int | None = None
    server_cpu_ms: float = 0.0      # gunicorn's CPU time per answered request
    database_cpu_ms: float = 0.0    # PostgreSQL's (this database's backends) per request

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# --- requests ------------------------------------------------------------------------------

def build_bodies(step: int, count: int, public: str,
                 path: str = SMS_PATH) -> list[tuple[bytes, str]]:
    """``count`` distinct inbound-message bodies for step ``step``, signed for ``path``."""
    url = public + path
    bodies = []
    for i in range(count):
        sid = f"SM{step:04x}{i:028x}"
        sender = (KNOWN_NUMBERS if i % 2 else UNKNOWN_NUMBERS)[i % 50]
        params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "5a" * 16,
                  "From": sender, "To": "+15005550006", "Body": f"Run {step}/{i}: sounds good",
                  "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received",
                  "ApiVersion": "2010-04-01", "FromState": "FL", "FromCity": "ORLANDO"}
        bodies.append((urlencode(params).encode(),
                       twilio_signature(SANDBOX_TWILIO_AUTH_TOKEN, url, params)))
    return bodies


def run_slice(port: int, path: str, bodies: list[tuple[bytes, str]], rate: float | None,
              seconds: float, threads: int, start_at: float) -> tuple[int, dict, list, float]:
    """One generator process: ``threads`` keep-alive connections sending ``bodies`` — at
    ``rate`` per second (open loop) or, with ``rate=None``, back to back for ``seconds``."""
    lock, latencies, errors = threading.Lock(), [], {}
    state = {"next": 0, "ok": 0, "last": start_at}

    def take() -> int | None:
        with lock:
            index = state["next"]
            if index >= len(bodies):
                return None
            state["next"] += 1
            return index

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (index := take()) is not None:
            due = start_at + index / rate if rate else time.monotonic()
            if rate is None and due > start_at + seconds:
                break
            if rate:
                time.sleep(max(0.0, due - time.monotonic()))
            body, signature = bodies[index]
            try:
                conn.request("POST", path, body, {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signature, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            done = time.monotonic()
            with lock:
                state["last"] = max(state["last"], done)
                if status == 200:
                    state["ok"] += 1
                    latencies.append(done - due)
                else:
                    errors[status] = errors.get(status, 0) + 1
        conn.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return state["ok"], errors, latencies, state["last"]


def run_step(view: str, label: str, port: int, step: int, rate: float | None,
             args: argparse.Namespace, public: str) -> StepResult:
    path = PATHS[view]
    count = int(rate * args.seconds) if rate else args.max_requests
    bodies = build_bodies(step, count, public, path)
    slices = [bodies[p::args.processes] for p in range(args.processes)]
    per_rate = rate / args.processes if rate else None
    threads = max(2, args.max_connections // args.processes)
    start_at = time.monotonic() + 0.5
    with ProcessPoolExecutor(args.processes) as pool:
        futures = [pool.submit(run_slice, port, path, s, per_rate, args.seconds, threads,
                               start_at) for s in slices]
        outcomes = [f.result() for f in futures]
    result = StepResult(view, label)
    last = start_at
    for ok, errors, latencies, finished in outcomes:
        result.ok += ok
        result.latencies += latencies
        for status, n in errors.items():
            result.errors[status] = result.errors.get(status, 0) + n
        last = max(last, finished)
    result.sent = result.ok + sum(result.errors.values())
    result.seconds = last - start_at
    return result


# --- the server and its database -----------------------------------------------------------

def cpu_seconds(pids: list[str]) -> float:
    """User + system CPU time of the processes, from /proc (Linux)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(server: subprocess.Popen) -> list[str]:
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                              text=True).stdout.split()
    return [str(server.pid), *children]


def database_pids(url: str) -> list[str]:
    name = url.rsplit("/", 1)[1]
    return subprocess.run(["pgrep", "-f", f"postgres: .* {name} "], capture_output=True,
                          text=True).stdout.split()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        for n, number in enumerate(KNOWN_NUMBERS):
            conn.execute("INSERT INTO st_customer_contacts (id, active, raw, synced_at, "
                         "customer_id, type, value, memo, do_not_text) VALUES "
                         "(%s, true, '{}', now(), %s, 'MobilePhone', %s, '', false)",
                         [900_000 + n, 800_000 + n, number[2:]])


def stored_rows(url: str, step: int) -> int:
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return conn.execute("SELECT count(*) FROM sms_messages WHERE sid LIKE %s",
                            [f"SM{step:04x}%"]).fetchone()[0]


def start_server(url: str, port: int, workers: int, threads: int | None,
                 log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.webhook_settings",
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "DJANGO_DEBUG": "false",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers),
           # Signed texts are never rate limited; the start-up probes come from one address.
           "RATELIMIT_PROBE": "100000000/s"}
    if threads:
        env["GUNICORN_THREADS"] = str(threads)
    process = subprocess.Popen(
        # No worker recycling during the run: a recycled worker takes its CPU count with it.
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--max-requests",
         "0", "config.wsgi"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not start; see {log}")


# --- the run -------------------------------------------------------------------------------

def report(results: list[StepResult]) -> str:
    lines = ["| view | offered | sent | 200 | errors | req/s | p50 ms | p99 ms | rows stored "
             "| CPU ms/req (gunicorn + PostgreSQL) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        stored = "-" if r.stored is None else f"{r.stored}" + (" ✓" if r.stored == r.sent
                                                               else " MISSING")
        lines.append(f"| {r.view} | {r.label} | {r.sent} | {r.ok} | "
                     f"{sum(r.errors.values()) or 0} | {r.rps:.0f} | {r.pct(0.5):.1f} | "
                     f"{r.pct(0.99):.1f} | {stored} | {r.server_cpu_ms:.2f} + "
                     f"{r.database_cpu_ms:.2f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/pc_msg_bench")
    parser.add_argument("--rates", type=float, nargs="+", default=[50, 100, 200, 400])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--max-connections", type=int, default=16)
    parser.add_argument("--max-requests", type=int, default=20000,
                        help="signed requests prepared per flat-out step (it stops after "
                             "--seconds; enough that neither view runs out)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="flat-out rounds, each running bare, floor and webhook in turn")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None,
                        help="gunicorn threads per worker (default: deploy/gunicorn.conf.py's)")
    args = parser.parse_args()

    prepare_database(args.database)
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"webhook_load_gunicorn_{port}.log"
    server = start_server(args.database, port, args.workers, args.threads, log)
    public = f"http://127.0.0.1:{port}"
    results: list[StepResult] = []
    # Open-loop steps for the bare view and the webhook, then flat out: the three views in
    # turn, --rounds times, each for the same --seconds, so a slow moment on the shared
    # machine hits them all.
    plan = [(view, rate) for view in ("bare", "webhook") for rate in args.rates]
    plan += [(view, None) for _ in range(args.rounds) for view in FLAT_OUT]
    try:
        for step, (view, rate) in enumerate(plan, start=1):
            label = f"{rate:.0f}/s" if rate else f"max ({args.max_connections} conns)"
            before = (cpu_seconds(server_pids(server)), cpu_seconds(database_pids(args.database)))
            result = run_step(view, label, port, step, rate, args, public)
            after = (cpu_seconds(server_pids(server)), cpu_seconds(database_pids(args.database)))
            result.server_cpu_ms = (after[0] - before[0]) * 1000 / max(result.ok, 1)
            result.database_cpu_ms = (after[1] - before[1]) * 1000 / max(result.ok, 1)
            if view != "bare":
                result.stored = stored_rows(args.database, step)
            results.append(result)
            print(report([result]).splitlines()[-1], flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print()
    print(report(results))
    return summarize(results)


FLAT_OUT = ("bare", "floor", "webhook")


def summarize(results: list[StepResult]) -> int:
    """Print the flat-out rounds' ratios and medians; 0 when nothing was lost, every answer
    was 200 and the webhook's median ratio to the bare view is 0.5 or better."""
    maxed = [r for r in results if r.label.startswith("max")]
    rounds = [dict(zip(FLAT_OUT, maxed[i:i + len(FLAT_OUT)], strict=True))
              for i in range(0, len(maxed), len(FLAT_OUT))]

    def ratio(a: StepResult, b: StepResult) -> float:
        return a.rps / b.rps if b.rps else 0.0

    def median(values) -> float:
        return statistics.median(list(values))

    target = median(ratio(r["webhook"], r["bare"]) for r in rounds)
    storing = [r for r in results if r.view != "bare"]
    lost = sum(r.sent - (r.stored or 0) for r in storing)
    errors = sum(sum(r.errors.values()) for r in results)
    print("\nflat out, round by round (req/s): " + "; ".join(
        f"bare {r['bare'].rps:.0f}, floor {r['floor'].rps:.0f}, webhook {r['webhook'].rps:.0f}"
        for r in rounds))
    print(f"median ratio webhook ÷ bare {target:.2f} (target ≥ 0.5; rounds "
          + " ".join(f"{ratio(r['webhook'], r['bare']):.2f}" for r in rounds) + ")")
    print(f"median ratio floor ÷ bare {median(ratio(r['floor'], r['bare']) for r in rounds):.2f}"
          " (the most a webhook storing each text durably reaches here)")
    print(f"median ratio webhook ÷ floor "
          f"{median(ratio(r['webhook'], r['floor']) for r in rounds):.2f} (what our code costs "
          "beyond the floor)")
    print(f"sent but not stored: {lost} of {sum(r.sent for r in storing)}; non-200 answers: "
          f"{errors}")
    print("CPU per request flat out, gunicorn + PostgreSQL (median of rounds): " + ", ".join(
        f"{view} {median(r[view].server_cpu_ms for r in rounds):.2f} + "
        f"{median(r[view].database_cpu_ms for r in rounds):.2f} ms" for view in FLAT_OUT))
    print("p50 flat out: " + ", ".join(
        f"{view} {median(r[view].pct(0.5) for r in rounds):.1f} ms" for view in FLAT_OUT))
    return 0 if lost == 0 and errors == 0 and target >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
