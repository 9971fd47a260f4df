from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers"

    def ready(self):
        from commissioning.locking import count_versions_of

        from .models import Provider

        count_versions_of(Provider)
