"""HTML template → PDF bytes with WeasyPrint: the one place the project makes a PDF.

Documents (``commissioning/documents.py`` and its subclasses) call ``render_pdf``
once each; nothing else calls WeasyPrint.

WeasyPrint reads stylesheets and images through ``LocalStaticFetcher``, which
serves files from the static directories on disk and refuses every other URL.
A PDF view must never fetch its CSS over HTTP from the running server (a
one-worker server would wait on itself), and nothing a user typed may make the
server fetch anything.

Every document is tagged PDF/UA-1 with its language, and carries its title, the
office as author and the creation date as PDF metadata (read by WeasyPrint from
the ``<title>`` and ``<meta>`` elements of ``templates/pdf/base.html``).
"""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_VARIANT = "pdf/ua-1"
DOCUMENT_LANGUAGE = "en-GB"


class RefusedURL(ValueError):
    """WeasyPrint asked for something other than a local static file."""


def static_roots():
    """The folders WeasyPrint may read from: the app's static files and the collected ones."""
    roots = [Path(folder) for folder in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def static_base_url():
    """Relative URLs in PDF templates (``pdf/schedule.css``) resolve inside ``static/``."""
    return static_roots()[0].as_uri() + "/"


class LocalStaticFetcher(URLFetcher):
    """Serves ``file:`` URLs under the static folders and ``data:`` URLs; refuses the rest."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"})

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file" or parts.netloc not in {"", "localhost"}:
            raise RefusedURL(f"PDFs are made from local static files only; refused {url!r}.")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in static_roots()):
            raise RefusedURL(f"{path} is outside the static files; refused.")
        if not path.is_file():
            raise RefusedURL(f"{path} is not a static file.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def render_document_html(template_name, context, *, title):
    """The document's HTML, with what every PDF prints: title, office, marking, date generated."""
    return render_to_string(
        template_name,
        {
            **context,
            "document_title": title,
            "document_language": DOCUMENT_LANGUAGE,
            "office_name": settings.OPCC_NAME,
            "protective_marking": settings.PROTECTIVE_MARKING,
            "generated_at": timezone.localtime(),
        },
    )


def html_to_pdf(html):
    """PDF bytes from a finished HTML document: the WeasyPrint render and nothing else."""
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=LocalStaticFetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(template_name, context, *, title):
    """PDF bytes from a template under ``templates/pdf/``."""
    return html_to_pdf(render_document_html(template_name, context, title=title))
