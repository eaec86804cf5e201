"""Portal pages: the emails sent to the signed-in user (mounted at /portal/messages/)."""

from django.urls import path

from trustcentre.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.portal_message_list, name="portal_message_list"),
    path("<uuid:public_id>/", views.portal_message_detail, name="portal_message_detail"),
]
