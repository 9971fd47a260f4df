"""The published register as documents: the transparency page (live or static), its PDF, the
CSV files and the two open-data packages. Views and the static bundle both ask these for their
content, so the website and the bundle are the same."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from commissioning.documents import Document

from . import ocds, threesixtygiving, transparency_code

PUBLISHED_TITLE = "Contracts and grants"

# The files beside the page, by the names the page links to: the same relative links work on
# the live site (/published/contracts.csv …) and in the static bundle.
FILES = {
    "contracts_csv": "contracts.csv",
    "grants_csv": "grants.csv",
    "pdf": "contracts-and-grants.pdf",
    "ocds": "ocds.json",
    "giving": "360giving.json",
}


@dataclass(frozen=True)
class PublishedDocuments:
    """Everything published, made from one ``PublishedRegister``."""

    register: object

    def page_html(self, stylesheet, home_href="./", favicon=""):
        return render_to_string(
            "publication/published.html",
            {
                "register": self.register,
                "office_name": settings.OPCC_NAME,
                "generated_on": self.register.generated_on,
                "stylesheet": stylesheet,
                "favicon": favicon,
                "home_href": home_href,
                "links": FILES,
            },
        )

    def pdf(self):
        return PublishedPdf(self.register).render()

    def contracts_csv(self):
        return transparency_code.contracts_csv(self.register)

    def grants_csv(self):
        return transparency_code.grants_csv(self.register)

    def ocds_package(self):
        return ocds.release_package(self.register, timezone.now())

    def giving_package(self):
        return threesixtygiving.grant_package(self.register, timezone.now())


class PublishedPdf(Document):
    """The published register as a PDF: the same three lists as the page."""

    kind = "published"
    template_name = "pdf/published.html"
    filename = FILES["pdf"]

    def __init__(self, register=None):
        # Built only when rendered: a stored copy is served without it.
        self.register = register

    @property
    def title(self):
        return f"{PUBLISHED_TITLE}: {settings.OPCC_NAME}"

    def context(self):
        from .register import published_register

        return {"register": self.register or published_register()}


def as_json(package):
    return json.dumps(package, indent=2, ensure_ascii=False)
