from django.contrib import admin
from django.urls import include, path

from config import views
from config.metrics import metrics_view

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
]
urlpatterns += [
    path("webhooks/twilio/", include("messaging.urls")),
    path("webhooks/ghl/", include("ghl.urls")),
]
