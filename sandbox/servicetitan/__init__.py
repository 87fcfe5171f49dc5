"""The ServiceTitan sandbox: ``ServiceTitanSandbox(scale=1, seed=1, **options)``.

A local stand-in for one ServiceTitan tenant (API v2), served by ``sandbox.server`` under
``/servicetitan``. What a client meets there:

- ``POST /connect/token`` (client credentials from ``sandbox.credentials``); every API call needs
  ``Authorization: Bearer`` and ``ST-App-Key``, else 401. Tenant ``1000001``; another tenant or
  an unknown path (``/dispatch/v2/tenant/{t}/appointments``) is 404.
- The list and export endpoints of ``resources.RESOURCES`` (the vendor-apis.md table), with
  ServiceTitan's envelopes, filters, RFC 7807 errors and a 60 requests/second rate limit (429
  with ``Retry-After``).
- Exports walk a change feed: ``continueFrom`` tokens can be stored and reused; a change shows
  after ``recent_delay`` (15 min) unless ``includeRecentChanges=true``, which may deliver the
  latest change again on the next call (``redelivery``). Exports include inactive records.
- Deterministic synthetic data (about 39 records per customer, 100 customers per unit of
  scale), shaped like the spec's schemas; money as strings in accounting. The option
  ``worded_numbers`` (a share, 0 to 1) makes that share of records hold words ("TBD", "n/a",
  "1,250.00") in the amounts and quantities the spec types as free strings (``worded.py``).

Tests and the demo steer it with the control API: ``create``, ``update``, ``deactivate``,
``replace``, ``get``, ``expire_tokens``, ``set_options``, ``advance_clock``, ``stats``,
``counts``, ``reset`` on the object, and the same over HTTP under
``/servicetitan/_control/`` (see ``control.py``). Shared faults (500s, 429s, slow answers)
come from ``sandbox.server.FaultInjector``.
"""

from sandbox.servicetitan.app import ServiceTitanSandbox

__all__ = ["ServiceTitanSandbox"]
