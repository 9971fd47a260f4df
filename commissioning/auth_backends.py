"""Authentication backends: django-axes' brute-force guard, fitted to this project."""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings


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


def client_address(request):
    """The address a sign-in came from, for django-axes' lock-out (``AXES_CLIENT_IP_CALLABLE``).

    Behind reverse proxies every request arrives from the nearest proxy, so a
    lock-out by address would lock out everyone at once (and anyone knowing a
    username could lock its owner out). With ``TRUSTED_PROXIES`` = N, the
    address is the Nth from the right of ``X-Forwarded-For``: the one the
    outermost of our own proxies saw, which a visitor cannot forge (entries to
    its left can be). With no proxies configured (the default) the header is
    ignored, since anyone can send it.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
