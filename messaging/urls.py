"""Included at ``/webhooks/twilio/`` (config/urls.py). With Twilio turned off both answer 404."""

from django.urls import path

from config.switches import unless_turned_off
from messaging import views

app_name = "messaging"
twilio = unless_turned_off("TWILIO")
urlpatterns = [
    path("sms/", twilio(views.inbound_sms), name="twilio-sms"),
    path("status/", twilio(views.status_callback), name="twilio-status"),
]
