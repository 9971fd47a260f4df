import pytest
from django.contrib.auth.models import Group, User

from commissioning.roles import ADMINISTRATOR, EDITOR, VIEWER

PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Sign-in tests hash a password per attempt; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username, role, first_name="", last_name=""):
    user = User.objects.create_user(
        username, password=PASSWORD, first_name=first_name, last_name=last_name
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def viewer(db):
    return make_user("vera", VIEWER, "Vera", "Viewer")


@pytest.fixture
def editor(db):
    return make_user("jane", EDITOR, "Jane", "Smith")


@pytest.fixture
def second_editor(db):
    return make_user("omar", EDITOR, "Omar", "Khan")


@pytest.fixture
def administrator(db):
    return make_user("ada", ADMINISTRATOR, "Ada", "Admin")


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
