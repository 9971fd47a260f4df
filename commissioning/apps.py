from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    verbose_name = "Commissioning Register"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import dataversion, roles, sessions

        roles.connect()
        user_logged_in.connect(
            sessions.note_saved_at_sign_in, dispatch_uid="commissioning.sessions.saved_at"
        )
        # After every migrate and flush: triggers on every table, new ones included.
        post_migrate.connect(
            dataversion.install_triggers,
            sender=self,
            dispatch_uid="commissioning.dataversion.install_triggers",
        )
