import pytest


@pytest.fixture
def staff_client(client, django_user_model):
    """A client signed in as an ordinary member of staff."""
    user = django_user_model.objects.create_user("officer", password="not-a-real-password")
    client.force_login(user)
    return client
