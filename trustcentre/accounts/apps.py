from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trustcentre.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self):
        from trustcentre.accounts import checks, receivers  # noqa: F401
