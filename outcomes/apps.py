from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes"

    def ready(self):
        from commissioning.locking import count_versions_of_parts

        from .models import Outcome

        # An outcome is part of its contract: changing one moves the contract's version.
        count_versions_of_parts("contract", Outcome)
