from django.urls import path

from dpa import views_portal as views

app_name = "dpa_portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.organisation_page, name="organisation"),
    path("<slug:slug>/sign/", views.sign, name="sign"),
    path("<slug:slug>/download/<str:token>/", views.download, name="download"),
]
