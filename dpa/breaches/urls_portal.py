app_name = "breaches_portal"

urlpatterns: list = []
