from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"
    label = "retention"
    verbose_name = "Retention schedule"

    def seed_demo(self, stdout):
        """The periods legal maintains (the rest come from the settings). Idempotent."""
        from retention.demo import seed

        seed(stdout)
