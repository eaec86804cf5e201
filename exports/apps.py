from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    label = "exports"
    verbose_name = "Exports and data portability"

    def seed_demo(self, stdout):
        """The register's statements as an example provider writes them; once (a published
        register is left as it is)."""
        from exports.statements_demo import seed

        seed(stdout)
