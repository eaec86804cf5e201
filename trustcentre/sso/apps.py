from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "trustcentre.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self):
        from trustcentre.sso import receivers  # noqa: F401
