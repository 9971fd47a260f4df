"""The published register as documents: the transparency page (live or static), its PDF, the
CSV files and the two open-data packages. Views and the static bundle both ask these for their
content, so the website and the bundle are the same."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from commissioning.pdf import render_pdf

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

    def page_html(self, stylesheet, home_href="./"):
        return render_to_string(
            "publication/published.html",
            {
                "register": self.register,
                "office_name": settings.OPCC_NAME,
                "generated_on": self.register.generated_on,
                "stylesheet": stylesheet,
                "home_href": home_href,
                "links": FILES,
            },
        )

    def pdf(self):
        return render_pdf(
            "pdf/published.html",
            {"register": self.register},
            title=f"{PUBLISHED_TITLE}: {settings.OPCC_NAME}",
        )

    def contracts_csv(self):
        return transparency_code.contracts_csv(self.register)

    def grants_csv(self):
        return transparency_code.grants_csv(self.register)

    def ocds_package(self):
        return ocds.release_package(self.register, timezone.now())

    def giving_package(self):
        return threesixtygiving.grant_package(self.register, timezone.now())


def as_json(package):
    return json.dumps(package, indent=2, ensure_ascii=False)
