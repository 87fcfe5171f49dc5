#!/usr/bin/env python3
"""Write Alertmanager's configuration from deploy/alertmanager/alertmanager.yml and the
environment (Alertmanager itself reads no environment variables).

    ALERT_EMAIL_TO=ops@example.com ALERT_EMAIL_FROM=alerts@example.com \
    ALERT_SMTP_SMARTHOST=smtp.example.com:587 \
        python3 deploy/alertmanager/render.py --out /etc/alertmanager/alertmanager.yml

Each ``${NAME}`` becomes the value of ``NAME``, or of the file ``NAME_FILE`` names (the file
wins, as in the service), written as a quoted string, so no value can change the file's
structure. Lines between ``# if NAME`` and ``# end`` are kept only when ``NAME`` has a value.
A ``${NAME}`` without a value stops it, naming what to set. The file written is readable by
its owner only (it holds the SMTP password and the webhook URL). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

TEMPLATE = Path(__file__).with_name("alertmanager.yml")
DEFAULTS = {"ALERT_SMTP_REQUIRE_TLS": "true"}
BOOLEANS = {"true": "true", "false": "false", "1": "true", "0": "false", "yes": "true",
            "no": "false"}
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
BLOCK = re.compile(r"^\s*# if ([A-Z][A-Z0-9_]*)\s*$")
END = re.compile(r"^\s*# end\s*$")


class MissingSetting(Exception):
    pass


def value(name: str, env: Mapping[str, str]) -> str:
    """``NAME``'s value: the file ``NAME_FILE`` names, else ``NAME``, else a default; ''."""
    path = env.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return env.get(name, "").strip() or DEFAULTS.get(name, "")


def render(template: str, env: Mapping[str, str]) -> str:
    kept: list[str] = []
    skipping: str | None = None
    for line in template.splitlines():
        if skipping is None and (block := BLOCK.match(line)):
            skipping = None if value(block.group(1), env) else block.group(1)
            continue
        if END.match(line):
            skipping = None
            continue
        if skipping is None and line.lstrip().startswith("#"):
            kept.append(line)  # comments are copied as they are
        elif skipping is None:
            kept.append(PLACEHOLDER.sub(lambda m: _quoted(m.group(1), env), line))
    return "\n".join(kept) + "\n"


def _quoted(name: str, env: Mapping[str, str]) -> str:
    text = value(name, env)
    if not text:
        raise MissingSetting(f"set {name} (or {name}_FILE)")
    if name.endswith("_REQUIRE_TLS"):
        if text.lower() not in BOOLEANS:
            raise MissingSetting(f"{name} must be true or false, not {text!r}")
        return BOOLEANS[text.lower()]
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--template", type=Path, default=TEMPLATE)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--owner", type=int, help="user id to give the file to (Alertmanager's)")
    args = parser.parse_args(argv)
    try:
        text = render(args.template.read_text(), os.environ)
    except (MissingSetting, OSError) as error:
        print(f"alertmanager configuration not written: {error}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.chmod(args.out, 0o600)
    if args.owner is not None:
        os.chown(args.out, args.owner, -1)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
