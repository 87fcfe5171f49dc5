"""``http_request``: an outgoing webhook (what n8n's HTTP node did).

    {"id": "notify_crm", "type": "http_request", "method": "POST",
     "url": "https://hooks.example.com/estimates/{{ entity.id }}",
     "headers": {"X-Source": "perfectcatch"},
     "body": {"estimate": "{{ entity.id }}", "total": "{{ entity.total }}"},
     "timeout": 10}

Every text inside ``url``, ``headers`` and ``body`` is a template rendered against the
instance context. The request carries ``Idempotency-Key: <the step's key>``. 5xx, 408, 429
and connection errors are retried with backoff; other 4xx fail the instance, and so does a
host that resolves to a non-public address (``workflows.http``). The output holds the status
and the (parsed) response body, for later steps as ``steps.<id>.response``.

A credential belongs in a header as ``{{ secrets.NAME }}`` ("Authorization":
"Bearer {{ secrets.crm_token }}"): the worker reads it from ``WORKFLOW_HTTP_SECRETS_DIR`` when
it sends (``workflows.secrets``), so the definition holds only its name; a secret that cannot
be read fails the step with the reason. Only headers may name secrets.

Credentials never reach what Viewers can read: the step run records the step with credential
headers, URL user/password and credential-like query values redacted, a definition is shown
to those who may not change it the same way, and credential-like fields of the response body
are redacted before they become output and context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from workflows import http, secrets
from workflows.steps.base import (
    Param,
    PermanentStepError,
    StepOutcome,
    StepRun,
    StepType,
    register,
)
from workflows.steps.params import allowed_keys, fail, string_map, templated, text
from workflows.templating import render, render_data

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@register
class HttpRequestStep(StepType):
    type = "http_request"
    label = "HTTP request (webhook)"
    side_effects = True
    outputs = ("status", "response")
    params = (
        Param("method", "choice", "method", choices=METHODS, default="POST"),
        Param("url", "text", "URL", required=True, help="http(s)://…; placeholders allowed"),
        Param("headers", "map", "headers",
              help="a credential as {{ secrets.NAME }}: a file in WORKFLOW_HTTP_SECRETS_DIR"),
        Param("body", "json", "JSON body", help="any JSON; texts inside are templates"),
        Param("timeout", "number", "timeout (seconds)", help="default 10, at most 60"),
    )

    def validate(self, step: Mapping[str, Any]) -> None:
        allowed_keys(step, "url", "method", "headers", "body", "timeout")
        text(step, "url")
        if "{" not in step["url"] and urlsplit(step["url"]).scheme not in ("http", "https"):
            fail(step, "url", "must be an http:// or https:// URL")
        if step.get("method", "POST") not in METHODS:
            fail(step, "method", f"must be one of {', '.join(METHODS)}")
        string_map(step, "headers")
        templated(step, "body")
        for name in ("url", "body"):
            if secrets.mentions(step.get(name)):
                fail(step, name, "secrets can be named in headers only, as "
                                 "{{ secrets.NAME }}")
        timeout = step.get("timeout", 10)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) \
                or not 0 < timeout <= 60:
            fail(step, "timeout", "must be a number of seconds between 0 and 60")

    def run(self, run: StepRun) -> StepOutcome:
        url = render(run.step["url"], run.context).strip()
        if urlsplit(url).scheme not in ("http", "https"):
            raise PermanentStepError(f"url rendered to {url!r}, not an http(s) URL")
        method = run.step.get("method", "POST")
        response = http.send(
            method, url,
            body=render_data(run.step.get("body"), run.context),
            headers=self.headers(run),
            idempotency_key=run.idempotency_key, timeout=run.step.get("timeout", 10))
        return StepOutcome(output={"status": response.status, "response": response.body})

    @staticmethod
    def headers(run: StepRun) -> dict[str, str]:
        """The step's headers rendered, with the secrets they name read."""
        headers = run.step.get("headers", {})
        names = secrets.referenced(headers.values())
        try:
            named = secrets.read(names) if names else {}
        except secrets.MissingSecret as exc:
            raise PermanentStepError(str(exc)) from None
        rendered = render_data(headers, {**run.context, "secrets": named})
        return {key: str(value) for key, value in rendered.items()}

    def written_credentials(self, step: Mapping[str, Any]) -> list[str]:
        url = step.get("url", "")
        found = ["its URL"] if isinstance(url, str) and http.redact_url(url) != url else []
        headers = step.get("headers")
        if isinstance(headers, Mapping):
            found += [f"header {name!r}" for name, value in headers.items()
                      if http.redact_headers({name: value}) != {name: value}
                      and not secrets.referenced([str(value)])]
        return found

    def recorded_input(self, step: Mapping[str, Any]) -> Mapping[str, Any]:
        recorded = {**step, "url": http.redact_url(step.get("url", ""))}
        if "headers" in step:
            recorded["headers"] = http.redact_headers(step["headers"])
        return recorded
