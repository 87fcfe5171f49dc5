"""Included at ``/webhooks/twilio/`` (config/urls.py)."""

from django.urls import path

from messaging import views

app_name = "messaging"
urlpatterns = [
    path("sms/", views.inbound_sms, name="twilio-sms"),
    path("status/", views.status_callback, name="twilio-status"),
]
