"""The public transparency pages: no sign-in, served only when ``PUBLIC_REGISTER`` is on.

Every response is made from the published register (``publication.register``) and may be
cached by browsers and proxies for five minutes; an ETag of the register's data version lets
a repeat visit be answered 304 without building anything.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import etag, require_safe

from commissioning.dataversion import register_version

from .documents import FILES, PublishedDocuments, PublishedPdf, as_json
from .register import published_register

PUBLIC_CACHE_SECONDS = 300


def public(view):
    """Open to anyone, GET and HEAD only, 404 unless ``PUBLIC_REGISTER`` is on, cacheable."""

    def version(request, *args, **kwargs):
        return register_version() if settings.PUBLIC_REGISTER else None

    @login_not_required
    @require_safe
    @cache_control(public=True, max_age=PUBLIC_CACHE_SECONDS)
    @etag(version)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PUBLIC_REGISTER:
            raise Http404("The public register is not published here.")
        return view(request, *args, **kwargs)

    return wrapped


def documents():
    return PublishedDocuments(published_register())


@public
def published_page(request):
    html = documents().page_html(
        stylesheet=static("vendor/app.css"),
        home_href=request.path,
        favicon=static("vendor/govuk/assets/images/favicon.ico"),
    )
    return HttpResponse(html)


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public
def contracts_csv(request):
    return _download(documents().contracts_csv(), "text/csv; charset=utf-8", FILES["contracts_csv"])


@public
def grants_csv(request):
    return _download(documents().grants_csv(), "text/csv; charset=utf-8", FILES["grants_csv"])


@public
def published_pdf(request):
    return PublishedPdf().response()


def _json(package):
    return HttpResponse(as_json(package), content_type="application/json; charset=utf-8")


@public
def ocds_json(request):
    return _json(documents().ocds_package())


@public
def giving_json(request):
    return _json(documents().giving_package())
