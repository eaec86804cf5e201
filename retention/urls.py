"""/retention/: the published retention schedule."""

from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [path("", views.schedule_page, name="schedule")]
