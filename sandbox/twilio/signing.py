"""``X-Twilio-Signature``, computed the way Twilio documents it (independently of
twilio-python, whose ``RequestValidator`` the tests check it against).

The string signed is the full URL Twilio requested (scheme, host, port when there is one,
path and query string exactly as configured) followed by each POST parameter, sorted by name
(case-sensitive, code-point order), as name then value with no separators; a name given
several times contributes each of its values in sorted order. The signature is the base64 of
the HMAC-SHA1 of that string (UTF-8) keyed with the account's auth token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping

Params = Mapping[str, str] | Iterable[tuple[str, str]]


def twilio_signature(auth_token: str, url: str, params: Params) -> str:
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    data = url + "".join(name + value for name, value in sorted(pairs))
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")
