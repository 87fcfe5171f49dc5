"""Who may read the operator-only endpoints: ``/metrics`` and ``/readyz``'s details.

A caller is an operator when it sends ``Authorization: Bearer <METRICS_TOKEN>`` or its client
address (``config.ratelimits.client_ip``: behind a trusted proxy, the address the proxy saw)
is on ``METRICS_ALLOWED_IPS``. Anyone else gets ``/metrics`` refused and ``/readyz`` with the
status and the names of failed checks only.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

from config.ratelimits import client_ip


def is_operator(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    try:
        client = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(net) for net in settings.METRICS_ALLOWED_IPS)
