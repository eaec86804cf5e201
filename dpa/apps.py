from django.apps import AppConfig


class DpaConfig(AppConfig):
    name = "dpa"
    label = "dpa"
    verbose_name = "Data processing agreements"

    def seed_demo(self, stdout):
        """Publish version 1 and leave the first demo customer with an executed agreement,
        once: a run that finds them does nothing."""
        from dpa.demo import seed_demo

        seed_demo(stdout)
