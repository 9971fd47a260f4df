from django.conf import settings


def office(request):
    """The office's name and marking, for every page's header and footer."""
    return {
        "OPCC_NAME": settings.OPCC_NAME,
        "PROTECTIVE_MARKING": settings.PROTECTIVE_MARKING,
        "PUBLIC_REGISTER": settings.PUBLIC_REGISTER,
    }
