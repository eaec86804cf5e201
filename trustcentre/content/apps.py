from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "trustcentre.content"
    label = "content"
    verbose_name = "Trust centre content"

    def seed_demo(self, stdout):
        """Overview, certification, controls, FAQ, NDA and documents at each access level;
        idempotent (what exists is left as it is)."""
        from trustcentre.content.demo import seed

        seed(stdout)
