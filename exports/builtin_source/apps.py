from django.apps import AppConfig


class BuiltinSourceConfig(AppConfig):
    """The data source that keeps customer data in the portal's own database."""

    name = "exports.builtin_source"
    label = "builtin_source"
    verbose_name = "Built-in data source"

    def seed_demo(self, stdout):
        """Give each demo customer a few thousand rows of data to export, once: a customer
        that already has leads is left as it is."""
        from exports.builtin_source.demo import seed_demo  # models are not loaded when apps.py is

        seed_demo(stdout)
