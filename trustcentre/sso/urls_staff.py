from django.urls import path

from trustcentre.sso import views

app_name = "sso_staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.configure, name="configure"),
    path("<slug:slug>/remove/", views.remove, name="remove"),
]
