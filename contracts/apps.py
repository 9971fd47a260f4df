from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts"

    def ready(self):
        from commissioning.locking import count_versions_of

        from .models import Contract

        count_versions_of(Contract)
