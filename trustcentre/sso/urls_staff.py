app_name = "sso_staff"

urlpatterns: list = []
