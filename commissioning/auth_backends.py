"""Authentication backends: django-axes' brute-force guard, fitted to this project."""

from axes.backends import AxesStandaloneBackend


class LoginAttemptBackend(AxesStandaloneBackend):
    """Counts failed logins and refuses locked-out ones, for every login that comes over HTTP.

    A login without a request cannot be a brute-force attempt from the web (the
    test client's ``login()``, ``authenticate()`` in the shell), so it passes
    through to the next backend instead of failing as plain django-axes would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
