"""How many SMS segments a body takes, as Twilio counts them (``num_segments``).

A body made only of GSM-7 characters is sent as GSM-7: 160 septets in one segment, 153 per
segment once split (the rest is the concatenation header); the extension characters cost two
septets and are never split across segments. Anything else makes the whole body UCS-2: 70
UTF-16 code units in one segment, 67 per segment when split, surrogate pairs kept together.
Twilio's optional Smart Encoding (replacing look-alike Unicode with GSM-7) is not modelled.
"""

from __future__ import annotations

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


def is_gsm7(body: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in body)


def segment_count(body: str) -> int:
    if is_gsm7(body):
        costs = [2 if ch in GSM7_EXTENSION else 1 for ch in body]
        return _pack(costs, single=160, multi=153)
    costs = [len(ch.encode("utf-16-le")) // 2 for ch in body]
    return _pack(costs, single=70, multi=67)


def _pack(costs: list[int], single: int, multi: int) -> int:
    if sum(costs) <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:  # a character never straddles two segments
            segments, used = segments + 1, 0
        used += cost
    return segments
