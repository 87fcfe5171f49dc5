"""Settings for ``bench/webhook_load.py``: the project's, plus the bare baseline view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.webhook_urls"
