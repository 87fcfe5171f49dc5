"""n8n expressions to our templates — by pattern, never by evaluating them.

n8n writes ``={{ $json.total }}`` (a parameter starting with ``=`` is an expression; the parts
in ``{{ }}`` are JavaScript). Only references to another node's data carry over:
``$json.a.b``, ``$json["a"]``, ``$node["X"].json.a``, ``$('X').item.json.a`` (also
``.first()``, ``.last()``), ``$input.item.json.a``, and plain literals (``{{ 5 }}``). What a
reference means depends on the node whose data it reads — a ``Scope``: the trigger's record
is ``entity``, an HTTP response ``steps.<id>.response``, a Set node's fields ``vars.<name>``.
Anything else (arithmetic, method calls, ``$now``, a node whose data has no native
counterpart) is kept verbatim for the report, and left in the text as ``{# n8n: … #}``, which
renders as nothing and keeps the definition from being switched on (``placeholders.py``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workflows.n8n.reader import UnreadableExport, parse_json
from workflows.placeholders import TEXT_MARK
from workflows.templating import check_template

_EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_HEAD = re.compile(r"""\s*(?:
      \$json
    | \$node\[\s*(?P<q1>['"])(?P<n1>.+?)(?P=q1)\s*\]\.json
    | \$\(\s*(?P<q2>['"])(?P<n2>.+?)(?P=q2)\s*\)\.(?:item|first\(\)|last\(\)|all\(\)\[0\])\.json
    | \$input\.(?:item|first\(\)|last\(\)|all\(\)\[0\])\.json
    | \$items\(\s*(?P<q3>['"])(?P<n3>.+?)(?P=q3)\s*\)\[0\]\.json
)""", re.VERBOSE)
_KEY = re.compile(r"""\.(?P<a>[A-Za-z_$][\w$]*)|\[\s*(?P<q>['"])(?P<b>.*?)(?P=q)\s*\]
                      |\[\s*(?P<i>\d+)\s*\]""", re.VERBOSE)
_LITERAL = re.compile(r"""^\s*(-?\d+(?:\.\d+)?|true|false|null|'[^'\\]*'|"[^"\\]*")\s*$""")
_SEGMENT = re.compile(r"^[A-Za-z0-9]\w*$")  # what a Django template lookup accepts
_TOKEN = re.compile(r"__n8n_(\d+)__")


class Scope:
    """What ``$json`` means at some point of the workflow: ``path(keys)`` gives the template
    path for ``$json.<keys>`` (``"entity.total"``), or None when it has no counterpart."""

    def path(self, keys: list[str]) -> str | None:
        raise NotImplementedError


@dataclass(frozen=True)
class Prefix(Scope):
    """Keys under a fixed path. ``skip``: wrapper keys n8n adds that our data has not (a
    webhook's ``body``); ``rename``: n8n keys whose name differs here (Twilio's ``From`` is
    the event's ``phone``); ``only_renamed``: other keys have no counterpart."""

    base: str
    skip: frozenset[str] = frozenset()
    rename: Mapping[str, str] = field(default_factory=dict)
    only_renamed: bool = False

    def path(self, keys: list[str]) -> str | None:
        if keys and keys[0] in self.skip:
            keys = keys[1:]
        if not keys:
            return None
        if keys[0] in self.rename:
            keys = [self.rename[keys[0]], *keys[1:]]
        elif self.only_renamed:
            return None
        return _joined([self.base, *keys])


@dataclass(frozen=True)
class Fields(Scope):
    """A Set node's output: the fields it set are ``vars.<name>``; other keys are what came in
    (``rest``) when the node kept the incoming fields, else nothing."""

    names: Mapping[str, str]
    rest: Scope | None = None

    def path(self, keys: list[str]) -> str | None:
        for size in range(len(keys), 0, -1):  # "a.b" may be one dotted field name
            name = ".".join(keys[:size])
            if name in self.names:
                return _joined(["vars", self.names[name], *keys[size:]])
        return self.rest.path(keys) if self.rest else None


def slug(text: str, fallback: str, digit_prefix: str) -> str:
    """``text`` as a name a template can read (``Added by`` → ``added_by``): ASCII letters,
    digits and _, at most 60, never starting with a digit (``digit_prefix`` goes first)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60].rstrip("_")
    name = name or fallback
    return f"{digit_prefix}{name}" if name[0].isdigit() else name


def _joined(keys: list[str]) -> str | None:
    if all(_SEGMENT.match(key) for key in keys[1:]):
        return ".".join(keys)
    return None


@dataclass
class Reference:
    node: str | None     # None: $json / $input, the data coming in
    keys: list[str]


def reference(body: str) -> Reference | None:
    """``body`` (what is inside ``{{ }}``) as a data reference, or None."""
    match = _HEAD.match(body)
    if not match:
        return None
    node = match["n1"] or match["n2"] or match["n3"]
    keys, position = [], match.end()
    while position < len(body):
        key = _KEY.match(body, position)
        if not key:
            return None if body[position:].strip() else Reference(node, keys)
        if key["a"] == "length":  # JavaScript's length of a list or text, not a field
            return None
        keys.append(key["a"] or key["b"] if key["i"] is None else key["i"])
        position = key.end()
    return Reference(node, keys)


def literal(body: str) -> tuple[bool, Any]:
    """``(True, value)`` when ``body`` is a plain JSON-like literal (``5``, ``'Open'``)."""
    match = _LITERAL.match(body)
    if not match:
        return False, None
    text = match[1]
    if text[0] == "'":
        return True, text[1:-1]
    return True, json.loads(text)


Resolve = Callable[[Reference], "str | None"]


@dataclass
class Translator:
    """Translates parameter values for one node; remembers what it could not translate."""

    resolve: Resolve
    unconverted: list[str] = field(default_factory=list)
    converted: int = 0

    def text(self, value: Any) -> str:
        """A parameter as a template: references become ``{{ path }}``; the rest is text."""
        if not isinstance(value, str):
            return "" if value is None else json.dumps(value) if isinstance(
                value, dict | list) else str(value)
        source = value[1:] if value.startswith("=") else value
        parts, position = [], 0
        for match in _EXPRESSION.finditer(source):
            parts.append(_plain(source[position:match.start()]))
            parts.append(self._expression(match[1]))
            position = match.end()
        parts.append(_plain(source[position:]))
        result = "".join(parts)
        if check_template(result):  # a safety net: whatever slipped through stays readable
            return self.mark(source)
        return result

    def value(self, value: Any) -> Any:
        """A parameter as a JSON value: a lone literal or reference keeps its kind."""
        if isinstance(value, str):
            body = _single_expression(value)
            if body is not None:
                ok, found = literal(body)
                if ok:
                    return found
            return self.text(value) if "{{" in value else _plain(value.removeprefix("="))
        return value

    def field(self, value: Any, record: bool = True) -> str | None:
        """A parameter that is exactly one reference, as the dotted field a rule tests
        (``record``: count it as converted, or remember it as not)."""
        body = _single_expression(value) if isinstance(value, str) else None
        found = reference(body) if body is not None else None
        path = self.resolve(found) if found else None
        if record and path is None and body is not None and not literal(body)[0]:
            self.unconverted.append(body.strip())
        elif record and path is not None:
            self.converted += 1
        return path

    def json(self, value: Any, raw: bool = False) -> tuple[bool, Any]:
        """A JSON parameter (an HTTP body, a Set node's raw output) whose texts may hold
        expressions, even unquoted ones (``{"total": {{ $json.total }} }``): ``(True,
        value)`` with every expression translated inside the texts (``raw``: left as n8n
        wrote it, for a later ``text``), or ``(False, None)`` when it is not JSON even so."""
        if not isinstance(value, str):
            return True, value
        single = _single_expression(value)
        if single is not None:  # the whole body computed by JavaScript
            return True, f"={{{{{single}}}}}" if raw else self._expression(single)
        source, bodies = _tokenised(value[1:] if value.startswith("=") else value)
        try:
            parsed = parse_json(source)
        except UnreadableExport:
            return False, None
        return True, self._detokenised(parsed, bodies, raw)

    def _detokenised(self, value: Any, bodies: list[str], raw: bool) -> Any:
        if isinstance(value, str):
            if raw:
                return _TOKEN.sub(lambda m: "{{" + bodies[int(m[1])] + "}}", value)
            return _TOKEN.sub(lambda m: self._expression(bodies[int(m[1])]), _plain(value))
        if isinstance(value, dict):
            return {key: self._detokenised(item, bodies, raw) for key, item in value.items()}
        if isinstance(value, list):
            return [self._detokenised(item, bodies, raw) for item in value]
        return value

    def mark(self, body: str) -> str:
        self.unconverted.append(body.strip())
        return unconverted_mark(body)

    def _expression(self, body: str) -> str:
        ok, found = literal(body)
        if ok:
            return _plain("" if found is None else str(found).lower()
                          if isinstance(found, bool) else str(found))
        ref = reference(body)
        path = self.resolve(ref) if ref else None
        if path is None:
            return self.mark(body)
        self.converted += 1
        return "{{ " + path + " }}"


def unconverted_mark(body: str) -> str:
    """``{# n8n: … #}``: a template comment (renders as nothing) that keeps the expression
    readable in the editor and marks the definition unfinished."""
    flat = " ".join(body.split()).replace("#}", "# }").replace("{#", "{ #")
    if len(flat) > 200:
        flat = flat[:199] + "…"
    return f"{TEXT_MARK} {flat} #}}"


def _tokenised(source: str) -> tuple[str, list[str]]:
    """``source`` with each ``{{ … }}`` replaced by a token, quoted when it stood outside a
    JSON string, so that the result can be parsed as JSON; and the expressions' bodies."""
    out, bodies, index, in_string = [], [], 0, False
    while index < len(source):
        if source.startswith("{{", index) and (end := source.find("}}", index + 2)) >= 0:
            token = f"__n8n_{len(bodies)}__"
            bodies.append(source[index + 2:end])
            out.append(token if in_string else f'"{token}"')
            index = end + 2
            continue
        char = source[index]
        if in_string and char == "\\":
            out.append(source[index:index + 2])
            index += 2
            continue
        in_string = not in_string if char == '"' else in_string
        out.append(char)
        index += 1
    return "".join(out), bodies


def _single_expression(value: str) -> str | None:
    """The body of ``={{ body }}`` when that is the whole value."""
    text = value[1:] if value.startswith("=") else value
    match = _EXPRESSION.fullmatch(text.strip())
    return match[1] if match and "}}" not in match[1] else None


def _plain(text: str) -> str:
    """Literal text, with what Django would read as a tag opening taken apart."""
    return text.replace("{{", "{ {").replace("{%", "{ %").replace("{#", "{ #")
