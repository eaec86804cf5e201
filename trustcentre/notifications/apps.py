from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "trustcentre.notifications"
    label = "notifications"
    verbose_name = "Notifications"
