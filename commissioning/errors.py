"""The site's handler for unhandled errors: 503 when the database is unreachable, else 500."""

import logging
import sys
import threading

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template import loader
from django.utils.log import AdminEmailHandler

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


mail_log = logging.getLogger("commissioning.errors.mail")


class ErrorMailHandler(AdminEmailHandler):
    """Error reports to ADMINS that can never hold up or break the response.

    Django's own handler sends the mail inside the failing request: with the
    mail server refusing connections the exception escapes and the visitor gets
    a dropped connection; with a server that never answers the worker hangs
    until gunicorn kills it. Here the report is written in the request (it needs
    the request) and sent from a background thread with the mailer's short
    timeout (``EMAIL_TIMEOUT``); a failure is logged, never raised. At most
    ``MAX_SENDING`` reports are in flight at once: a flood of errors while mail
    is down drops the rest, with a log line each, instead of piling up threads.
    """

    MAX_SENDING = 4
    _sending = threading.BoundedSemaphore(MAX_SENDING)
    _threads = []

    def send_mail(self, subject, message, *args, **kwargs):
        if not self._sending.acquire(blocking=False):
            mail_log.warning("Error report not sent (too many being sent already): %s", subject)
            return
        thread = threading.Thread(
            target=self._send_quietly,
            args=(subject, message, *args),
            kwargs=kwargs,
            name="error-report-mail",
            daemon=True,
        )
        self._threads.append(thread)
        thread.start()

    def _send_quietly(self, subject, message, *args, **kwargs):
        try:
            super().send_mail(subject, message, *args, **kwargs)
        except Exception as error:  # whatever the mail server does: say so, and go on
            mail_log.warning(
                "Error report not sent (%s: %s): %s", type(error).__name__, error, subject
            )
        finally:
            self._sending.release()

    @classmethod
    def wait_for_reports(cls, timeout=None):
        """Wait until the reports being sent are sent or given up (for tests and shutdown)."""
        for thread in list(cls._threads):
            thread.join(timeout)
        cls._threads[:] = [thread for thread in cls._threads if thread.is_alive()]
