from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from trustcentre.lib import sections


class NotificationsConfig(AppConfig):
    name = "trustcentre.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        sections.add_portal_section(
            "notifications:portal_message_list",
            title=_("Messages"),
            description=_("Every email we sent you, as it was sent."),
            audience="all",
            order=90,
        )
