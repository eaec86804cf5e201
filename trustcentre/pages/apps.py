from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


def site_follows_site_url(sender, using="default", **kwargs):
    """The `Site` record that django-allauth reads (email texts, absolute links) names this
    portal, from SITE_URL and PROVIDER_NAME, not the sites framework's "example.com".
    Re-applied after every migrate, so a changed SITE_URL takes effect on the next deploy."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={
            "domain": urlsplit(settings.SITE_URL).netloc or "localhost",
            "name": settings.PROVIDER_NAME,
        },
    )
    Site.objects.clear_cache()


class PagesConfig(AppConfig):
    name = "trustcentre.pages"
    label = "pages"
    verbose_name = "Pages"

    def ready(self):
        from trustcentre.pages import todos  # finds each app's todos.py, as admin.py is found

        todos.discover()
        post_migrate.connect(
            site_follows_site_url, sender=self, dispatch_uid="pages.site_follows_site_url"
        )
        sections.add_workbench(
            "admin:index",
            title=_("Administration"),
            description=_("Django admin for superusers."),
            roles=("superuser",),
            order=130,
        )
