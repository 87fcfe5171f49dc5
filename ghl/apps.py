from django.apps import AppConfig


class GHLConfig(AppConfig):
    name = "ghl"
    verbose_name = "GoHighLevel"
