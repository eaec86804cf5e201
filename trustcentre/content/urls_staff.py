from django.urls import path

from trustcentre.content import views

app_name = "content_staff"

urlpatterns = [
    path("trust-centre/", views.home, name="home"),
    path("trust-centre/reviews/", views.reviews, name="reviews"),
    path(
        "trust-centre/reviews/<slug:kind>/<uuid:public_id>/",
        views.mark_reviewed,
        name="mark_reviewed",
    ),
    path("trust-centre/analytics/", views.analytics, name="analytics"),
    path("trust-centre/overview/", views.overview_edit, name="overview_edit"),
    path("trust-centre/<slug:kind>/", views.item_list, name="item_list"),
    path("trust-centre/<slug:kind>/new/", views.item_edit, name="item_new"),
    # A control, FAQ entry or certification by its UUID; a group or category by its slug.
    path("trust-centre/<slug:kind>/<str:key>/", views.item_edit, name="item_edit"),
]
