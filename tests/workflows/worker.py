"""``manage.py workflows_run`` with the test step kit loaded, for the subprocess tests:
``python tests/workflows/worker.py [--start-fifo PATH] [workflows_run options]``.
With ``--start-fifo`` it blocks until the test opens that FIFO, so two workers start
together."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from tests.workflows import stepkit  # noqa: E402

stepkit.register_all()
args = sys.argv[1:]
if args[:1] == ["--start-fifo"]:
    with open(args[1]) as start:
        start.read()
    args = args[2:]
call_command("workflows_run", *args)
