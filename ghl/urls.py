from django.urls import path

from ghl.views import ghl_webhook

app_name = "ghl"
urlpatterns = [
    path("", ghl_webhook, name="webhook"),
]
