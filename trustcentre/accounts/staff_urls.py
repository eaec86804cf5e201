from django.urls import path

from trustcentre.accounts import staff_views

app_name = "staff_organisations"

urlpatterns = [
    path("", staff_views.organisation_list, name="list"),
    path("new/", staff_views.organisation_create, name="create"),
    path("<slug:slug>/", staff_views.organisation_detail, name="detail"),
    path("<slug:slug>/edit/", staff_views.organisation_edit, name="edit"),
    path("<slug:slug>/invitations/", staff_views.invitation_create, name="invitation_create"),
    path(
        "<slug:slug>/invitations/<uuid:public_id>/revoke/",
        staff_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "<slug:slug>/members/<uuid:user_id>/remove/",
        staff_views.membership_remove,
        name="membership_remove",
    ),
    path(
        "<slug:slug>/members/<uuid:user_id>/role/",
        staff_views.membership_change_role,
        name="membership_change_role",
    ),
]
