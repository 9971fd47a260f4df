"""The browser tests' flushes leave the database as migrations made it, for the tests after them.

Each transactional test ends by emptying the database, and under pytest-xdist's
``--dist loadfile`` other files' tests can run after the browser tests on the
same worker; ``rows_migrations_made_put_back`` (tests/conftest.py) puts the roles'
groups, content types and permissions back after each browser module. This
test empties the database itself and checks the put-back, so it holds in any
order, on any worker.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from tests.conftest import put_back_rows_migrations_made

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_roles_groups_come_back_after_a_flush(rows_migrations_made, django_db_blocker):
    call_command("flush", verbosity=0, interactive=False)  # what ends every browser test
    assert not Group.objects.exists()

    put_back_rows_migrations_made(rows_migrations_made, django_db_blocker)

    assert {"viewer", "editor", "administrator"} <= set(
        Group.objects.values_list("name", flat=True)
    )
    editor = Group.objects.get(name="editor")
    assert editor.permissions.filter(codename="change_contract").exists()
    # Sequences moved past the restored rows: a new row does not collide with one.
    new = Permission.objects.create(
        name="Test only", codename="test_only", content_type=editor.permissions.first().content_type
    )
    assert new.pk > editor.permissions.order_by("-pk").first().pk
