"""The register's roles and the one rule that ties them to the admin.

The groups and their permissions are created by the data migration
``commissioning/migrations/0001_roles.py``:

- **viewer** reads every page and PDF;
- **editor** also edits the register in admin and imports spreadsheets;
- **administrator** also manages users, roles and login lockouts.

Rule: a user is staff (may open the admin) exactly when they are an editor,
an administrator or a superuser. It is kept in step whenever someone's groups
change, so nobody has to remember to tick "staff status" as well.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed

VIEWER = "viewer"
EDITOR = "editor"
ADMINISTRATOR = "administrator"
ROLES = (VIEWER, EDITOR, ADMINISTRATOR)
STAFF_ROLES = (EDITOR, ADMINISTRATOR)


def keep_staff_status_in_step(sender, instance, action, reverse, pk_set, **kwargs):
    """After a user's groups change, make ``is_staff`` follow the staff rule above."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    User = get_user_model()
    if reverse:
        # group.user_set.add(...): the users are in pk_set (or were, for a clear).
        users = User.objects.filter(pk__in=pk_set) if pk_set else User.objects.none()
    else:
        users = [instance]
    for user in users:
        should_be_staff = user.is_superuser or user.groups.filter(name__in=STAFF_ROLES).exists()
        if user.is_staff != should_be_staff:
            user.is_staff = should_be_staff
            user.save(update_fields=["is_staff"])


def connect():
    m2m_changed.connect(
        keep_staff_status_in_step,
        sender=get_user_model().groups.through,
        dispatch_uid="commissioning.roles.keep_staff_status_in_step",
    )
