app_name = "dpa_portal"

urlpatterns: list = []
