"""Included at ``/webhooks/ghl/`` (config/urls.py). With GHL turned off it answers 404."""

from django.urls import path

from config.switches import unless_turned_off
from ghl.views import ghl_webhook, provider_webhook

app_name = "ghl"
urlpatterns = [
    path("", unless_turned_off("GHL")(ghl_webhook), name="webhook"),
    path("provider/", unless_turned_off("GHL")(provider_webhook), name="provider"),
]
