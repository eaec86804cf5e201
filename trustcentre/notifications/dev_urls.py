"""The developer's mailbox at /dev/mail/; trustcentre/urls.py includes it only when DEBUG is on."""

from django.urls import path

from trustcentre.notifications import views

app_name = "devmail"

urlpatterns = [
    path("", views.dev_mail_list, name="list"),
    path("<uuid:public_id>/", views.dev_mail_detail, name="detail"),
]
