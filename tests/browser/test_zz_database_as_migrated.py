"""Runs after the browser tests in this folder (same worker, later file): their flushes must
leave the database as migrations made it, for the tests that follow them."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_roles_groups_are_back_after_the_browser_tests():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"viewer", "editor", "administrator"} <= names
