from django.apps import AppConfig


class RightsRequestsConfig(AppConfig):
    name = "rights_requests"
    label = "rights_requests"
    verbose_name = "Rights requests"
