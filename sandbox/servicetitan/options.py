"""Behaviour switches of the ServiceTitan sandbox, settable at construction and through the
control API (``set_options``), and the sandbox clock."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sandbox.servicetitan.store import ControlError
from sandbox.servicetitan.timefmt import SECOND, wall_clock


@dataclass(frozen=True)
class Options:
    token_ttl: float = 900.0          # seconds a token lives (ServiceTitan: 900)
    export_page_size: int = 1000      # records per export page (undocumented at ServiceTitan)
    recent_delay: float = 900.0       # seconds before a change shows without
    #                                   includeRecentChanges (ServiceTitan: about 15 minutes)
    rate_limit: int | None = 60       # requests per rate_window per app and tenant; None: off
    rate_window: float = 1.0          # seconds
    redelivery: bool = True           # repeat the latest recent change on the next page
    worded_numbers: float = 0.0       # share of records whose free-string amounts hold words
    #                                   ("TBD", "n/a", …; see worded.py)

    def updated(self, changes: dict[str, Any]) -> Options:
        """A copy with ``changes`` applied; ``ControlError`` (400) names a bad one."""
        known = {f.name: f for f in fields(self)}
        for name, value in changes.items():
            if name not in known:
                raise ControlError(400, f"unknown option {name!r}; options: {sorted(known)}")
            _check(name, value)
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(name: str, value: Any) -> None:
    number = type(value) in (int, float)
    if name == "redelivery" and type(value) is not bool:
        raise ControlError(400, "redelivery must be true or false")
    if name == "rate_limit" and value is not None and not (type(value) is int and value > 0):
        raise ControlError(400, "rate_limit must be a positive integer or null")
    if name == "export_page_size" and not (type(value) is int and 1 <= value <= 100_000):
        raise ControlError(400, "export_page_size must be an integer from 1 to 100000")
    if name in ("token_ttl", "recent_delay") and not (number and value >= 0):
        raise ControlError(400, f"{name} must be a number of seconds >= 0")
    if name == "rate_window" and not (number and value > 0):
        raise ControlError(400, "rate_window must be a number of seconds > 0")
    if name == "worded_numbers" and not (number and 0 <= value <= 1):
        raise ControlError(400, "worded_numbers must be a share from 0 to 1")


class Clock:
    """Wall-clock time plus an offset that ``advance`` moves forward (never back)."""

    def __init__(self) -> None:
        self.offset = 0

    def now(self) -> int:
        return wall_clock() + self.offset

    def advance(self, seconds: Any) -> None:
        if type(seconds) not in (int, float) or seconds < 0:
            raise ControlError(400, "seconds must be a number >= 0")
        self.offset += int(seconds * SECOND)
