"""Site-wide middleware."""

from django.db import InterfaceError, OperationalError
from django.template.response import TemplateResponse


class DatabaseUnavailableMiddleware:
    """Answer 503 with the site's own page when the database cannot be reached.

    Sits near the top of the stack so that it also catches failures in the
    middleware below it (sessions, authentication) that touch the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError):
            return self.unavailable(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return self.unavailable(request)
        return None

    def unavailable(self, request):
        response = TemplateResponse(request, "503.html", status=503)
        response["Retry-After"] = "60"
        return response.render()
