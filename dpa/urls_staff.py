app_name = "dpa_staff"

urlpatterns: list = []
