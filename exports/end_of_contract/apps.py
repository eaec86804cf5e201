from django.apps import AppConfig


class EndOfContractConfig(AppConfig):
    name = "exports.end_of_contract"
    label = "end_of_contract"
    verbose_name = "End of contract"
