"""How many SMS segments a body takes before Twilio tells us (pacing needs it up front).

GSM-7 bodies: 160 septets in one segment, 153 per segment when split (extension characters
cost two). Anything else is UCS-2: 70 UTF-16 units, 67 when split. Twilio's count in the
create response (``num_segments``) replaces this estimate on the row.
"""

from __future__ import annotations

import math

GSM7 = frozenset("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                 "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


def segment_count(body: str) -> int:
    if all(ch in GSM7 or ch in GSM7_EXTENSION for ch in body):
        units, single, multi = sum(2 if ch in GSM7_EXTENSION else 1 for ch in body), 160, 153
    else:
        units, single, multi = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else math.ceil(units / multi)
