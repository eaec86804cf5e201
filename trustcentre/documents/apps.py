from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "trustcentre.documents"
    label = "documents"
    verbose_name = "Documents and access"
