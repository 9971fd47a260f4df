"""The published grants in the 360Giving Data Standard (1.4).

Grant ids are ``GRANT_ID_PREFIX``-reference (the prefix is registered with 360Giving). A
recipient without a charity, company or PPON number gets an id under the same prefix, as
360Giving's guidance on organisation identifiers suggests. The Order's conditions and reason
for expecting the grant to reduce crime and disorder have no field in the standard; they are
added as ``conditions`` and ``crimeReductionReason``, which the standard allows.
"""

from django.conf import settings
from django.utils import timezone

from .ocds import rfc3339

GIVING_VERSION = "1.4"
CURRENCY = "GBP"


def recipient_id(provider):
    return provider.org_id or f"{settings.GRANT_ID_PREFIX}-org-{provider.pk}"


def _organisation(provider):
    organisation = {"id": recipient_id(provider), "name": provider.name}
    if provider.charity_number:
        organisation["charityNumber"] = provider.charity_number
    if provider.company_number:
        organisation["companyNumber"] = provider.company_number
    if provider.address:
        organisation["streetAddress"] = provider.address
    return organisation


def grant(contract):
    """One grant agreement as a 360Giving grant."""
    day = contract.start_date or contract.created_at.date()
    record = {
        "id": f"{settings.GRANT_ID_PREFIX}-{contract.reference}",
        "title": contract.title,
        "description": contract.purpose or contract.description or contract.title,
        "currency": CURRENCY,
        "amountAwarded": float(contract.total_value),
        # No award date is recorded apart from the start: the grant is dated from its start.
        "awardDate": day.isoformat(),
        "recipientOrganization": [_organisation(contract.lead_provider)],
        "fundingOrganization": [
            {
                "id": settings.OPCC_ORG_ID,
                "name": settings.OPCC_NAME,
                "department": contract.lead_commissioner.name,
            }
        ],
        "dateModified": rfc3339(contract.updated_at),
    }
    if contract.start_date or contract.end_date:
        dates = {}
        if contract.start_date:
            dates["startDate"] = contract.start_date.isoformat()
        if contract.end_date:
            dates["endDate"] = contract.end_date.isoformat()
        record["plannedDates"] = [dates]
    if contract.grant_conditions:
        record["conditions"] = contract.grant_conditions
    if contract.crime_reduction_reason:
        record["crimeReductionReason"] = contract.crime_reduction_reason
    return record


def grant_package(register, published_at=None):
    """The published grants as one 360Giving package (a dict ready for json.dumps)."""
    published_at = published_at or timezone.now()
    return {
        "version": GIVING_VERSION,
        "title": f"{settings.OPCC_NAME}: crime and disorder reduction grants",
        "issued": published_at.date().isoformat(),
        "publisher": {"name": settings.OPCC_NAME},
        "grants": [grant(contract) for contract in register.grants],
    }
