"""Make sure a local administrator login exists, and say what it is.

Uses settings.LOCAL_ADMIN_USERNAME / LOCAL_ADMIN_PASSWORD (from the
environment) if set; otherwise creates ``admin`` with a generated password and prints it once.
An existing user's password is never changed.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create a local superuser if none exists, and print the login."

    def handle(self, *args, **options):
        User = get_user_model()
        username = settings.LOCAL_ADMIN_USERNAME
        password = settings.LOCAL_ADMIN_PASSWORD
        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            if user is not None:
                self.stdout.write(
                    f"Login: {username} (already exists; its password is unchanged — "
                    f"`python manage.py changepassword {username}` resets it)"
                )
                return
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser(
                username=username,
                email="",
                password=password,
                first_name="Local",
                last_name="Admin",
            )
        self.stdout.write(
            self.style.SUCCESS(f"Login created: username {username}  password {password}")
        )
