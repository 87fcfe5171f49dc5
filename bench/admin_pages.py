"""How fast every back-office page answers on a year of data.

    python bench/admin_pages.py                  # the issue's tenant (scale 1.0)
    python bench/admin_pages.py --scale 0.1      # a tenth, for a quick run
    python bench/admin_pages.py --keep           # reuse the dataset built by an earlier run

Uses its own PostgreSQL database (``--database-url``, created and migrated). Builds the
dataset of ``bench/admin_data.py`` in SQL (at scale 1: ~580,000 ServiceTitan rows, 1,000,000
texts, 2,000,000 workflow events, 200,000 instances with their step runs), ``VACUUM
ANALYZE``s it (a running system has planner statistics and visibility maps), logs a superuser
in through Django's test client and times each page server side (the request through the
whole Django stack, in process; no network), best of ``--repeat`` after a warm-up request and
one that counts the page's queries: every changelist, one change page per model, the
workflow definition page (its 7-day preview), the conversations pages, searches by phone in
several spellings, the front page and ``/metrics`` (as scrapes find it: the figures the
cluster's ``metrics-snapshot`` schedule read; and, for information only, ``/metrics?cold``,
the same with those figures read in the request, which is what the schedule costs each
minute). Targets: 300 ms a page, 100 ms a search by phone.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sync_throughput import create_database, manage  # noqa: E402

PAGE_MS, PHONE_MS = 300, 100


@dataclass
class Page:
    label: str
    url: str
    target: int | None = PAGE_MS  # None: shown for information, no target
    headers: dict | None = None
    before: Callable[[], None] | None = None  # run before each request


def main() -> None:
    args = parse_args()
    env = {**os.environ, "DATABASE_URL": args.database_url, "DJANGO_DEBUG": "false",
           "LOG_LEVEL": "WARNING", "RATELIMIT_ADMIN": "100000/m",
           "RATELIMIT_PROBE": "100000/m", "METRICS_TOKEN": "bench-metrics-token",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    os.environ.update(env)
    create_database(args.database_url)
    manage(env, "migrate", "-v0")
    import django

    django.setup()
    if not (args.keep and built(args.scale)):
        build(args.scale)
    else:
        print(f"reusing the dataset (scale {args.scale})", flush=True)
    user = superuser()
    rows = measure(pages(user), user, args.repeat)
    print_table(rows)
    failed = [row for row in rows if row[2] is not None and (row[1] > row[2] or row[4] != 200)]
    judged = [row for row in rows if row[2] is not None]
    print(f"\n{len(judged) - len(failed)} of {len(judged)} pages within target", flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true",
                        help="reuse the dataset when one of this scale is there")
    parser.add_argument("--only", default="", help="time only pages whose URL contains this")
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/perfectcatch_admin_pages")
    args = parser.parse_args()
    os.environ["BENCH_ONLY"] = args.only
    return args


def built(scale: float) -> bool:
    from bench.admin_data import OTHER_ROWS
    from messaging.models import SmsMessage

    return SmsMessage.objects.count() == round(OTHER_ROWS["sms_messages"] * scale)


def build(scale: float) -> None:
    from django.db import connection

    from bench import admin_data as data

    print(f"building the dataset at scale {scale}", flush=True)
    started = time.perf_counter()
    data.empty()
    data.run(data.st_sql(scale), "ServiceTitan mirror", say)
    data.run(data.ghl_sql(scale), "GHL mirror", say)
    data.run(data.sms_sql(scale), "texts and opt-outs", say)
    data.run(data.workflow_sql(scale, definitions()), "workflow events, instances, step runs",
             say)
    data.run(data.sync_log_sql(scale), "sync log", say)
    if "sms_conversations" in connection.introspection.table_names():
        data.run(data.conversations_sql(), "conversations (the inbox)", say)
    with connection.cursor() as cursor:
        connection.ensure_connection()
        connection.connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")
    say(f"  VACUUM ANALYZE done; built in {time.perf_counter() - started:.0f}s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname "
                       "LIKE 'st\\_%%' AND relname NOT LIKE 'st\\_sync%%'")
        st_rows = sum(n for _, n in cursor.fetchall())
    say(f"  {st_rows:,} ServiceTitan rows")


FOLLOW_UP = {
    "name": "Estimate follow-up (bench)", "trigger_event": "estimate.created",
    "trigger_conditions": {"all": [{"field": "status", "op": "==", "value": "Open"},
                                   {"field": "total", "op": ">=", "value": 1000},
                                   {"field": "customer.type", "op": "==",
                                    "value": "Residential"}]},
    "steps": [{"id": "wait", "type": "wait", "duration": "2d"},
              {"id": "text", "type": "send_sms", "purpose": "marketing",
               "body": "Hi, your estimate for ${{ entity.total }} is ready."}],
    "cancel_on": [{"event": "estimate.status_changed",
                   "conditions": {"field": "status", "op": "in", "value": ["Sold", "Dismissed"]}}],
}


def definitions() -> list[tuple[int, int]]:
    """Three event-triggered definitions (ids, current version ids) the instances belong to."""
    from workflows.models import WorkflowDefinition, WorkflowDefinitionVersion
    from workflows.services import definition_save

    earlier = WorkflowDefinition.objects.filter(name__endswith="(bench)")
    earlier.update(current_version=None)
    WorkflowDefinitionVersion.objects.filter(definition__in=earlier).delete()
    earlier.delete()
    made = [definition_save(data=FOLLOW_UP, actor="bench")]
    for name, trigger in (("Review request (bench)", "job.completed"),
                          ("Invoice thank-you (bench)", "invoice.paid")):
        made.append(definition_save(data={**FOLLOW_UP, "name": name, "trigger_event": trigger,
                                          "trigger_conditions": {}, "cancel_on": []},
                                    actor="bench"))
    return [(d.pk, d.current_version_id) for d in made]


def pages(user) -> list[Page]:
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import NoReverseMatch, reverse

    from messaging.models import SmsMessage
    from workflows.models import WorkflowDefinition

    request = RequestFactory().get("/admin/")
    request.user = user
    out = [Page("front page", reverse("admin:index"))]
    for model, model_admin in sorted(admin.site._registry.items(),
                                     key=lambda item: item[0]._meta.label):
        info = (model._meta.app_label, model._meta.model_name)
        out.append(Page(f"{model._meta.label} list",
                        reverse("admin:{}_{}_changelist".format(*info))))
        pk = (model_admin.get_queryset(request).order_by("-pk").values_list("pk", flat=True)
              .first() if model is not WorkflowDefinition else
              WorkflowDefinition.objects.get(name=FOLLOW_UP["name"]).pk)
        if pk is not None:
            with suppress(NoReverseMatch):
                out.append(Page(f"{model._meta.label} page",
                                reverse("admin:{}_{}_change".format(*info), args=[pk])))
    audience = WorkflowDefinition.objects.filter(trigger_kind="audience").first()
    if audience is not None:
        out.append(Page("audience definition page", reverse(
            "admin:workflows_workflowdefinition_change", args=[audience.pk])))
    phone = (SmsMessage.objects.filter(direction="inbound").order_by("-id")
             .values_list("phone", flat=True).first() or "+14075550142")
    digits = phone[2:]
    spellings = [phone, f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
                 f"{digits[:3]}.{digits[3:6]}.{digits[6:]}", digits]
    texts = reverse("admin:messaging_smsmessage_changelist")
    conversations = reverse("admin:messaging_smsmessage_conversations")
    out.append(Page("conversations", conversations))
    out.append(Page("conversation", reverse("admin:messaging_smsmessage_conversation",
                                            args=[phone])))
    for spelling in spellings:
        out.append(Page(f"texts search {spelling}", f"{texts}?{_q(spelling)}", PHONE_MS))
        out.append(Page(f"conversations search {spelling}", f"{conversations}?{_q(spelling)}",
                        PHONE_MS))
    for name in ("messaging_communicationpreference", "servicetitan_customercontact",
                 "ghl_ghlcontact", "messaging_conversation"):  # the last: the inbox
        try:
            url = reverse(f"admin:{name}_changelist")
        except NoReverseMatch:
            continue
        out.append(Page(f"{name.split('_', 1)[1]} search {spellings[1]}",
                        f"{url}?{_q(spellings[1])}", PHONE_MS))
    token = {"Authorization": "Bearer bench-metrics-token"}
    out.append(Page("/metrics", "/metrics", headers=token))
    out.append(Page("/metrics, its database figures read in the request (what the cluster's "
                    "metrics-snapshot schedule does every minute)", "/metrics?cold",
                    None, token, _forget_metrics))
    only = os.environ.get("BENCH_ONLY", "")
    return [page for page in out if only in page.url or only in page.label]


def _forget_metrics() -> None:
    from django.core.cache import cache

    from config.metrics import CACHE_KEY

    cache.delete(CACHE_KEY)


def _q(text: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": text})


def superuser():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    return user


def measure(todo: list[Page], user, repeat: int) -> list[tuple[str, float, int, int, int]]:
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    rows = []
    print(f"timing {len(todo)} pages, best of {repeat}", flush=True)
    for page in todo:
        headers = page.headers or {}
        queries: list[str] = []
        for _ in range(2):  # a warm-up request, then one whose queries are counted
            queries.clear()
            if page.before:
                page.before()
            with connection.execute_wrapper(partial(_count, queries)):
                response = client.get(page.url, headers=headers)
        if response.status_code != 200:
            print(f"  {page.url}: HTTP {response.status_code}", flush=True)
        best = float("inf")
        for _ in range(repeat):
            if page.before:
                page.before()
            started = time.perf_counter()
            client.get(page.url, headers=headers)
            best = min(best, (time.perf_counter() - started) * 1000)
        rows.append((page.url, best, page.target, len(queries), response.status_code))
        print(f"  {best:8.0f} ms  {len(queries):4} queries  {page.url}", flush=True)
    return rows


def _count(queries: list[str], execute, sql, *rest):
    queries.append(sql)
    return execute(sql, *rest)


def print_table(rows) -> None:
    width = max(len(url) for url, *_ in rows)
    print(f"\n{'URL':<{width}}  {'ms':>7}  {'target':>6}  {'queries':>7}  result")
    for url, ms, target, queries, status in rows:
        verdict = "info" if target is None else "PASS" if ms <= target and status == 200 \
            else "FAIL"
        print(f"{url:<{width}}  {ms:7.0f}  {target or '-':>6}  {queries:7}  {verdict}"
              + ("" if status == 200 else f" (HTTP {status})"))


def say(text: str) -> None:
    print(text, flush=True)


if __name__ == "__main__":
    main()
