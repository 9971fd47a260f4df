"""Idle sign-out without a database write on every page; a lost database as 503, not 400."""

import time

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from .errors import DATABASE_UNAVAILABLE

# How stale a session's last save may grow before a request saves it again. A
# signed-in session ends SESSION_COOKIE_AGE after its last save, so the idle
# time-out holds to within this many seconds.
REFRESH_SECONDS = 60


SAVED_AT = "_saved_at"


def note_saved_at_sign_in(sender, request, user, **kwargs):
    """Signing in saves the session: count that as its last save."""
    request.session[SAVED_AT] = int(time.time())


class IdleSessionMiddleware:
    """Keeps a session in use alive by saving it at most once a minute.

    Django's SESSION_SAVE_EVERY_REQUEST writes the session row on every request,
    one statement per page; this marks the session changed only when its last
    save is over REFRESH_SECONDS old, and SessionMiddleware then saves it (with a
    new expiry) as it would any change.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or not session.session_key:
            return response
        now = int(time.time())
        if now - session.get(SAVED_AT, 0) >= REFRESH_SECONDS:
            session[SAVED_AT] = now
        return response


class SessionStore(DatabaseSessionStore):
    """Django's database sessions (SESSION_ENGINE), reporting a lost database as such.

    Django's store turns *any* database error while saving an existing session
    into ``UpdateError``, which the session middleware answers with 400
    "session interrupted" (meant for a session deleted by a concurrent logout).
    When the database has gone away (``make load`` restarting PostgreSQL showed
    it), the visitor gets the site's 503 page instead, like every other request
    of that moment: a lost connection is raised as itself.
    """

    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        except UpdateError as error:
            if isinstance(error.__context__, DATABASE_UNAVAILABLE):
                raise error.__context__ from None
            raise
