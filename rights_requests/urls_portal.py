"""The customers' side (they are the controllers): requests referred to their organisation,
and their instruction to the provider. Under /portal/rights-requests/."""

from django.urls import path

from rights_requests import views

app_name = "rights_requests_portal"

urlpatterns = [
    path("", views.referral_list, name="referral_list"),
    path("<uuid:public_id>/", views.referral_detail, name="referral"),
]
