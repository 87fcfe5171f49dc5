from django.contrib import admin
from django.urls import include, path

from config import views

admin.site.site_header = "PerfectCatch Automation"
admin.site.site_title = "PerfectCatch"
admin.site.index_title = "Back office"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("django_prometheus.urls")),
    path("admin/", admin.site.urls),
]
urlpatterns += [
    path("webhooks/twilio/", include("messaging.urls")),
    path("webhooks/ghl/", include("ghl.urls")),
]
