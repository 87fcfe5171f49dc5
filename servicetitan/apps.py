from django.apps import AppConfig


class ServiceTitanConfig(AppConfig):
    name = "servicetitan"
    verbose_name = "ServiceTitan mirror"
