"""The report of one n8n workflow's import: every node, and what became of it.

Each node is converted, approximated (the detail says how it differs), unsupported (the
detail says why) or dropped (nothing to carry over). The same report is printed by the
command, shown on the admin's upload page and kept with each definition it produced
(``WorkflowImportReport``), as JSON (``as_dict``). Verbatim excerpts (code, queries,
expressions) are masked for phone numbers and credentials before they are kept.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from config.logs import mask
from workflows.n8n.nodes.base import Status

MAX_SHOWN = 4000  # characters of one verbatim excerpt
# Beyond what the log mask knows: secrets as code writes them (apiKey = "…") and the shapes of
# common vendor keys.
_ASSIGNED = re.compile(r"""(?i)((?:api[-_]?key|apikey|secret|token|passw(?:or)?d|auth\w*)
                           \w*["']?\s*[:=]\s*["'])([^"'\s]{4,})(["'])""", re.VERBOSE)
_KEYS = re.compile(r"\b(?:[spr]k_(?:live|test)_\w+|sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}"
                   r"|xox[abpr]-[\w-]+|gh[pousr]_\w{20,})")


def masked(text: str) -> str:
    """``text`` with phone numbers, credentials and things that look like keys masked."""
    return _KEYS.sub("***", _ASSIGNED.sub(r"\1***\3", mask(text)))


@dataclass
class NodeEntry:
    name: str
    type: str
    version: float
    status: Status
    detail: str
    steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.type.rsplit('.', 1)[-1] or 'no type'} v{self.version:g})"

    def add(self, *, notes: Sequence[str] = (), shown: Sequence[str] = ()) -> None:
        self.notes.extend(n for n in notes if n not in self.notes)
        for text in shown:
            text = masked(text)
            text = text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"
            if text not in self.shown:
                self.shown.append(text)


@dataclass
class WorkflowReport:
    source: str                                   # the file it came from
    name: str                                     # the n8n workflow's name
    n8n_id: str = ""
    nodes: list[NodeEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = Counter(entry.status for entry in self.nodes)
        return {status.value: found[status] for status in Status}

    def summary(self) -> str:
        counts = self.counts()
        return f"{len(self.nodes)} nodes: " + ", ".join(f"{n} {s}" for s, n in counts.items())

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "counts": self.counts()}

    def lines(self) -> list[str]:
        """The report as text, one node per paragraph."""
        lines = []
        for entry in self.nodes:
            lines.append(f"  - {entry.label}: {entry.status} — {entry.detail}")
            lines += [f"      · {note}" for note in entry.notes]
            for text in entry.shown:
                first, *rest = text.splitlines() or [""]
                lines.append(f"      > {first}")
                lines += [f"        {line}" for line in rest[:40]]
                if len(rest) > 40:
                    lines.append(f"        … ({len(rest) - 40} more lines)")
        lines += [f"  · {note}" for note in self.notes]
        lines.append(f"  {self.summary()}")
        return lines
