"""The site's handler for unhandled errors: 503 when the database is unreachable, else 500."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template import loader

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    """Django's ``handler500``, told apart by the exception being handled.

    Django calls it inside its ``except`` block, from whichever layer failed
    (a view, or middleware such as sessions and authentication that reach the
    database first), so ``sys.exc_info()`` names the cause. Both pages render
    without the request: no user, session or query that could fail again.
    """
    _type, error, _traceback = sys.exc_info()
    if isinstance(error, DATABASE_UNAVAILABLE):
        response = HttpResponseServerError(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
