import pytest
from django.contrib.auth.models import Group, User

from commissioning.roles import ADMINISTRATOR, EDITOR, VIEWER

pytestmark = pytest.mark.django_db


def test_the_three_roles_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {VIEWER, EDITOR, ADMINISTRATOR}


def test_a_viewer_may_only_look(viewer):
    assert viewer.has_perm("contracts.view_contract")
    assert viewer.has_perm("outcomes.view_outcome")
    assert viewer.has_perm("providers.view_provider")
    assert not viewer.has_perm("contracts.change_contract")
    assert not viewer.has_perm("contracts.add_contractvalue")
    assert not viewer.has_perm("contracts.import_register")
    assert not viewer.is_staff


def test_an_editor_edits_and_imports_but_archives_rather_than_deletes(editor):
    assert editor.is_staff
    assert editor.has_perm("contracts.change_contract")
    assert editor.has_perm("contracts.add_contractvalue")
    assert editor.has_perm("contracts.delete_contractvalue")
    assert editor.has_perm("contracts.delete_extensionoption")
    assert editor.has_perm("outcomes.delete_outcome")
    assert editor.has_perm("contracts.import_register")
    assert not editor.has_perm("contracts.delete_contract")
    assert not editor.has_perm("providers.delete_provider")
    assert not editor.has_perm("auth.change_user")
    assert not editor.has_perm("contracts.change_historicalcontract")


def test_an_administrator_also_manages_users_and_lockouts(administrator):
    assert administrator.is_staff
    assert administrator.has_perm("contracts.change_contract")
    assert administrator.has_perm("auth.change_user")
    assert administrator.has_perm("auth.change_group")
    assert administrator.has_perm("axes.delete_accessattempt")
    assert not administrator.has_perm("contracts.delete_contract")


def test_staff_status_follows_the_role_when_groups_change(editor):
    editor.groups.set([Group.objects.get(name=VIEWER)])
    editor.refresh_from_db()
    assert not editor.is_staff
    Group.objects.get(name=ADMINISTRATOR).user_set.add(editor)
    editor.refresh_from_db()
    assert editor.is_staff
    editor.groups.clear()
    editor.refresh_from_db()
    assert not editor.is_staff


def test_a_superuser_stays_staff_whatever_their_groups():
    boss = User.objects.create_superuser("boss", password="x" * 20)
    boss.groups.add(Group.objects.get(name=VIEWER))
    boss.refresh_from_db()
    assert boss.is_staff
