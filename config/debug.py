"""What Django's error reports (the debug page, error e-mails) may show of the settings.

Django already hides settings whose name looks secret (``SECRET_KEY``, ``METRICS_TOKEN``,
``DATABASES[...]["PASSWORD"]``). URLs carrying a password hide under innocent names —
``DATABASE_URL``, ``REDIS_URL``, ``CACHES[...]["LOCATION"]``, ``Q_CLUSTER["redis"]`` — so
every string setting also has its URL password masked. The vendor blocks (``TWILIO``, ``GHL``,
``SERVICETITAN``) leave their secret fields out of their ``repr``, which is what the page
prints.
"""

from __future__ import annotations

from typing import Any

from django.views.debug import SafeExceptionReporterFilter

from config.redact import mask_url_password


class SettingsReporterFilter(SafeExceptionReporterFilter):
    def cleanse_setting(self, key: Any, value: Any) -> Any:
        cleansed = super().cleanse_setting(key, value)
        return mask_url_password(cleansed) if isinstance(cleansed, str) else cleansed
