from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    verbose_name = "Commissioning Register"

    def ready(self):
        from . import locking, roles

        roles.connect()
        locking.connect()
