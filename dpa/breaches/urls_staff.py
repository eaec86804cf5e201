app_name = "breaches_staff"

urlpatterns: list = []
