from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts"

    def ready(self):
        from commissioning.locking import count_versions_of

        from .models import Contract, stored_money

        count_versions_of(Contract)
        stored_money.connect()
