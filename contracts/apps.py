from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts"

    def ready(self):
        from commissioning.locking import count_versions_of_parts

        from .models import ContractPartner, ContractValue, ExtensionOption, stored_money

        count_versions_of_parts("contract", ContractValue, ExtensionOption, ContractPartner)
        stored_money.connect()
