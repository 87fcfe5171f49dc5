"""Counters kept in the process (what no table records): webhook refusals.

Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` (deploy/ does) so the workers' counts add up;
``/metrics`` (config/metrics.py) merges them.
"""

from __future__ import annotations

from prometheus_client import Counter

WEBHOOK_REJECTED = Counter(
    "perfectcatch_webhook_rejected",
    "Webhook requests refused, by endpoint and reason",
    ["endpoint", "reason"],
)

REASON_BY_STATUS = {
    400: "malformed",
    401: "bad_signature",
    403: "bad_signature",
    405: "wrong_method",
    409: "replayed",
    413: "too_large",
    415: "wrong_content_type",
    422: "unprocessable",
    429: "rate_limited",
}


def webhook_rejected(endpoint: str, reason: str) -> None:
    WEBHOOK_REJECTED.labels(endpoint=endpoint, reason=reason).inc()


def webhook_refused(endpoint: str, status: int, reason: str = "") -> None:
    """A refusal by its HTTP status, or by ``reason`` when the status alone does not say it."""
    webhook_rejected(endpoint, reason or REASON_BY_STATUS.get(status, f"http_{status}"))
