from django.urls import path

from trustcentre.pages import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/", views.portal_home, name="portal_home"),
    path("staff/", views.staff_home, name="staff_home"),
    path("after-login/", views.after_login, name="after_login"),
]
