"""Validate the open data against the standards' own schemas, offline.

The schemas are files in ``publication/schemas/`` (OCDS 1.1.5 and 360Giving 1.4.3, unchanged);
every ``$ref`` between them is resolved from a ``referencing.Registry`` holding those files, so
nothing is ever fetched. ``validate_ocds(package)`` and ``validate_360giving(package)`` return
the list of problems, each saying where (a JSON path) and what, empty when the data is valid.
"""

import datetime
import json
import re
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

# The 360Giving package schema refers to the grant schema by its previous patch version's URL.
GRANT_SCHEMA_OLD_ID = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"

RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII
)
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")


def _load(name):
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def format_checker():
    """Formats checked strictly, without optional packages: date-time as RFC 3339 (which the
    360Giving schema needs, since it offers "a date-time or a YYYY-MM-DD date" as oneOf), and uri
    as an absolute URI."""
    checker = FormatChecker()

    @checker.checks("date-time")
    def is_date_time(value):
        if not isinstance(value, str):
            return True
        if not RFC3339.match(value):
            return False
        try:
            datetime.datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        except ValueError:
            return False
        return True

    @checker.checks("uri")
    def is_uri(value):
        return not isinstance(value, str) or bool(URI.match(value))

    return checker


@cache
def ocds_validator():
    release = _load("release-schema.json")
    package = _load("release-package-schema.json")
    registry = Registry().with_resources(
        [
            (release["id"], Resource.from_contents(release, default_specification=DRAFT4)),
            (package["id"], Resource.from_contents(package, default_specification=DRAFT4)),
        ]
    )
    return Draft4Validator(package, registry=registry, format_checker=format_checker())


@cache
def giving_validator():
    grant = _load("360-giving-schema.json")
    package = _load("360-giving-package-schema.json")
    # The schemas name their dialect with an http:// URL the library does not recognise:
    # say which specification they are written in.
    grant_resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [
            (grant["$id"], grant_resource),
            (GRANT_SCHEMA_OLD_ID, grant_resource),
            (package["$id"], DRAFT202012.create_resource(package)),
        ]
    )
    return Draft202012Validator(package, registry=registry, format_checker=format_checker())


LONGEST_MESSAGE = 200


def _problems(validator, document):
    """Each error as ``path: message``. For "valid under none of these" (a 360Giving grant
    must match one of two shapes) the closest shape's own error is given, which says what is
    missing, rather than the whole grant printed back."""
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        if error.validator in ("oneOf", "anyOf") and error.context:
            error = best_match(error.context)
        message = error.message
        if len(message) > LONGEST_MESSAGE:
            message = message[: LONGEST_MESSAGE - 1] + "…"
        problems.append(f"{error.json_path}: {message}")
    return problems


def validate_ocds(package):
    """Problems with an OCDS 1.1 release package, as ``$.releases[0].ocid: … is a required
    property``; empty when it is valid."""
    return _problems(ocds_validator(), package)


def validate_360giving(package):
    """Problems with a 360Giving package; empty when it is valid."""
    return _problems(giving_validator(), package)
