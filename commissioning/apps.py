from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    verbose_name = "Commissioning Register"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import dataversion, roles

        roles.connect()
        # After every migrate and flush: triggers on every table, new ones included.
        post_migrate.connect(
            dataversion.install_triggers,
            sender=self,
            dispatch_uid="commissioning.dataversion.install_triggers",
        )
