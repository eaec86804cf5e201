from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "trustcentre.audit"
    label = "audit"
    verbose_name = "Audit log"
