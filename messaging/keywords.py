"""What an inbound text asks for: a keyword (the whole message), a free-text revocation of
consent, or nothing (an ordinary reply).

Keywords match the whole message, in any case, ignoring surrounding spaces and punctuation
(``" Stop!! "`` is STOP; ``"stop by tomorrow"`` is not). Free-text revocations ("please stop
texting me", "remove me from your list", "don't text me") are phrases anywhere in the
message: the FCC lets consent be revoked "by any reasonable means", so they opt the number
out too, and staff review them (a false positive is cheap to undo; a missed one is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    FREE_TEXT_OPT_OUT = "free_text_opt_out"
    NONE = ""


KEYWORDS: dict[str, Intent] = {
    **dict.fromkeys(("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
                     "OPTOUT"), Intent.OPT_OUT),
    **dict.fromkeys(("START", "YES", "UNSTOP"), Intent.OPT_IN),
    **dict.fromkeys(("HELP", "INFO"), Intent.HELP),
}

# Each pattern is a way people write "stop texting me"; matched case-insensitively anywhere.
# They are narrow on purpose ("don't send the tech before noon" is not a revocation).
_TEXTS = r"(?:texts?|txts?|messages?|msgs?|sms|spam)"
_TEXTING = r"(?:text\w*|txt\w*|messag\w*|sms\w*|contact\w*|spam\w*|bother\w*)"
REVOCATIONS: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in (
    rf"\b(?:stop|quit|cease|enough)\W+(?:\w+\W+)?{_TEXTING}\b",       # stop (the) texting
    rf"\bstop\s+sending\s+(?:me|us|these|this|{_TEXTS})\b",             # stop sending me
    rf"\bno\s+more\s+{_TEXTS}\b",                                       # no more texts
    r"\b(?:don'?t|do not|never)\s+(?:ever\s+)?(?:text|txt|message|sms|contact)\s+"
    r"(?:me|us|this number|again)\b",                                  # don't text me
    rf"\b(?:don'?t|do not)\s+(?:send\s+(?:me|us)|want)\s+(?:any\s*more\s+|any\s+|more\s+|"
    rf"these\s+|your\s+)?{_TEXTS}\b",                                   # don't want texts
    r"\bremove\s+(?:me|my\s+(?:number|phone|cell|info\w*))\b"
    r"(?!\s+from\s+(?:the\s+|my\s+)?(?:schedule|appointment|calendar))",  # remove me
    r"\b(?:delete\s+my\s+(?:number|phone|cell)|take\s+me\s+off)\b",     # take me off
    r"\b(?:unsubscribe|opt\W?(?:me\W+)?out)\b",                          # opt me out
    r"^\W*(?:(?:please|pls|stop)\W+)*stop(?:\W+(?:please|pls|now|it|stop))*\W*$",  # stop pls
    r"\bleave me alone\b",
    r"\bwrong (?:number|person)\b",  # whoever consented does not have this number any more
))


@dataclass(frozen=True)
class Classification:
    intent: Intent
    keyword: str = ""       # the keyword as matched (upper case), or the phrase for free text


def bare(body: str) -> str:
    """The message without surrounding whitespace and punctuation, upper-cased."""
    return re.sub(r"^[\W_]+|[\W_]+$", "", body).upper()


def classify(body: str) -> Classification:
    word = bare(body)
    if word in KEYWORDS:
        return Classification(KEYWORDS[word], word)
    for pattern in REVOCATIONS:
        match = pattern.search(body)
        if match:
            return Classification(Intent.FREE_TEXT_OPT_OUT, match.group(0).strip()[:60])
    return Classification(Intent.NONE)
