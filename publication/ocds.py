"""The published contracts as an Open Contracting Data Standard 1.1 release package.

One release per published contract (grants are outside the Procurement Act and go to
360Giving instead). Each release carries the parties with their org-id identifiers, the award,
the contract with its period, value and ``maxExtentDate`` (the end if every available option
were exercised), the recorded changes as amendments, the ending, and the KPI ratings as
milestones. Fields OCDS 1.1 has no place for are added under names of our own, which the
standard allows: ``valueByFinancialYear`` on a contract, ``termination`` on a contract,
``rating`` and ``period`` on a KPI milestone, and the before/after figures on an amendment.
A contract procured under the Procurement Act 2023 also carries ``noticeType`` (``UK7``, the
contract details notice its record corresponds to).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from contracts.models import ChangeGround, EndingReason, ProcurementRoute, Status
from outcomes.models import Rating

from .register import parties

OCDS_VERSION = "1.1"
CURRENCY = "GBP"

PROCUREMENT_METHODS = {
    ProcurementRoute.OPEN_TENDER: "open",
    ProcurementRoute.QUOTATION: "selective",
    ProcurementRoute.FRAMEWORK: "selective",
    ProcurementRoute.DIRECT_AWARD: "direct",
}

# The Act's rating scale onto OCDS's milestone statuses; the rating itself is kept beside it.
MILESTONE_STATUS = {
    Rating.GOOD: "met",
    Rating.APPROACHING: "partiallyMet",
    Rating.REQUIRES_IMPROVEMENT: "notMet",
    Rating.INADEQUATE: "notMet",
}


def rfc3339(day):
    """A date as OCDS wants it: an RFC 3339 date-time (midnight, UK time)."""
    if day is None:
        return None
    if isinstance(day, datetime.datetime):
        return day.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return moment.isoformat()


def _value(amount):
    return {"amount": float(amount), "currency": CURRENCY}


def _without_blanks(mapping):
    return {key: value for key, value in mapping.items() if value not in (None, "", [], {})}


def _split_org_id(org_id):
    """``GB-CHC-1201000`` → (``GB-CHC``, ``1201000``)."""
    parts = org_id.split("-")
    if len(parts) >= 3:
        return "-".join(parts[:2]), "-".join(parts[2:])
    return None, None


def party_id(party):
    """The party's id within the package: its org-id where it has one, else a local id."""
    org_id = getattr(party, "org_id", "") or (
        settings.OPCC_ORG_ID if getattr(party, "kind", "") == "pcc" else ""
    )
    if org_id:
        return org_id
    kind = "provider" if hasattr(party, "charity_number") else "body"
    return f"{settings.OCDS_OCID_PREFIX}-{kind}-{party.pk}"


def _provider_party(provider, roles):
    scheme, identifier = _split_org_id(provider.org_id)
    additional = []
    if provider.ppon_identifier and provider.ppon_identifier != provider.org_id:
        ppon_scheme, ppon_id = _split_org_id(provider.ppon_identifier)
        additional.append({"scheme": ppon_scheme, "id": ppon_id, "legalName": provider.name})
    details = _without_blanks(
        {
            "scale": {True: "sme", False: "large"}.get(provider.is_sme),
            "vcse": provider.is_vcse,
            "supportedEmployment": provider.is_supported_employment,
            "publicServiceMutual": provider.is_public_service_mutual,
        }
    )
    return _without_blanks(
        {
            "id": party_id(provider),
            "name": provider.name,
            "identifier": _without_blanks(
                {"scheme": scheme, "id": identifier, "legalName": provider.name}
            )
            if scheme
            else None,
            "additionalIdentifiers": additional,
            "address": {"streetAddress": provider.address} if provider.address else None,
            "contactPoint": {"email": provider.email} if provider.email else None,
            "details": details,
            "roles": roles,
        }
    )


def _body_party(body, roles):
    return {"id": party_id(body), "name": body.name, "roles": roles}


def _parties(contract):
    result = []
    for party in parties(contract):
        if hasattr(party, "charity_number"):
            roles = ["supplier"]
            result.append(_provider_party(party, roles))
        else:
            roles = ["buyer"] if party == contract.lead_commissioner else ["payer"]
            result.append(_body_party(party, roles))
    return result


def _documents(contract):
    documents = []
    if contract.published_copy_url:
        redacted = (
            " Parts are redacted: " + contract.redaction_reason if contract.copy_redacted else ""
        )
        documents.append(
            {
                "id": f"{contract.reference}-copy",
                "documentType": "contractSigned",
                "title": f"Copy of the contract{' (redacted)' if contract.copy_redacted else ''}",
                "description": ("The published copy of the contract." + redacted).strip(),
                "url": contract.published_copy_url,
                "language": "en",
            }
        )
    return documents


def _tender(contract):
    documents = []
    if contract.tender_url:
        documents.append(
            {
                "id": f"{contract.reference}-itt",
                "documentType": "tenderNotice",
                "title": "Invitation to tender",
                "url": contract.tender_url,
                "language": "en",
            }
        )
    return _without_blanks(
        {
            "id": contract.procurement_identifier or f"{contract.ocid}-tender",
            "title": contract.title,
            "status": "complete",
            "procurementMethod": PROCUREMENT_METHODS.get(contract.procurement_route),
            "procurementMethodDetails": ProcurementRoute(contract.procurement_route).label
            if contract.procurement_route
            else None,
            "documents": documents,
        }
    )


def _amendments(contract):
    amendments = []
    for change in contract.changes.all():
        amendments.append(
            _without_blanks(
                {
                    "id": f"{contract.reference}-change-{change.pk}",
                    "date": rfc3339(change.made_on),
                    "rationale": ChangeGround(change.ground).label if change.ground else None,
                    "description": change.description,
                    "valueBefore": _value(change.value_before)
                    if change.value_before is not None
                    else None,
                    "valueAfter": _value(change.value_after)
                    if change.value_after is not None
                    else None,
                    "endDateBefore": rfc3339(change.end_before),
                    "endDateAfter": rfc3339(change.end_after),
                    "decisionReference": change.decision_reference,
                }
            )
        )
    return amendments


def _milestones(contract):
    milestones = []
    for kpi in contract.kpi_rows:
        for rating in kpi.ratings:
            milestones.append(
                _without_blanks(
                    {
                        "id": f"{contract.reference}-kpi-{kpi.pk}-{rating.period_end:%Y%m%d}",
                        "title": kpi.measure,
                        "type": "reporting",
                        "description": f"Target: {kpi.target}. {rating.comment}".strip(),
                        "dueDate": rfc3339(rating.period_end),
                        "status": MILESTONE_STATUS.get(rating.rating),
                        "rating": rating.label,
                        "period": {
                            "startDate": rfc3339(rating.period_start),
                            "endDate": rfc3339(rating.period_end),
                        },
                    }
                )
            )
    return milestones


def _termination(contract):
    if not contract.has_ended:
        return None
    return _without_blanks(
        {
            "date": rfc3339(contract.ending_date),
            "reason": EndingReason(contract.ending_reason).label
            if contract.ending_reason
            else None,
            "description": contract.ending_note,
            "breach": contract.breach,
            "damagesOrSettlement": contract.damages_or_settlement,
        }
    )


def _contract_status(contract):
    status = contract.current_status
    if status in (Status.ENDED, Status.TERMINATED):
        return "terminated"
    return "active"


def release(contract, published_at):
    """One contract as an OCDS release."""
    supplier_ids = [
        {"id": party_id(contract.lead_provider), "name": contract.lead_provider.name},
        *(
            {"id": party_id(partner.provider), "name": partner.provider.name}
            for partner in contract.partners.all()
        ),
    ]
    period = _without_blanks(
        {
            "startDate": rfc3339(contract.start_date),
            "endDate": rfc3339(contract.end_date),
            "maxExtentDate": rfc3339(contract.max_end_date),
        }
    )
    award_id = f"{contract.ocid}-award"
    tags = ["award", "contract"]
    if contract.changes.all():
        tags.append("contractAmendment")
    if contract.has_ended:
        tags.append("contractTermination")
    by_year = [
        {"financialYear": str(year), "value": _value(amount)}
        for year, amount in contract.values_by_year().items()
    ]
    contract_section = _without_blanks(
        {
            "id": contract.contract_identifier or f"{contract.ocid}-contract",
            "awardID": award_id,
            "title": contract.title,
            "description": contract.purpose or contract.description,
            "status": _contract_status(contract),
            "period": period,
            "value": _value(contract.total_value),
            "valueByFinancialYear": by_year,
            "documents": _documents(contract),
            "amendments": _amendments(contract),
            "milestones": _milestones(contract),
            "termination": _termination(contract),
        }
    )
    result = {
        "ocid": contract.ocid,
        "id": f"{contract.ocid}-{contract.updated_at:%Y%m%dT%H%M%S}",
        "date": rfc3339(contract.updated_at),
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "parties": _parties(contract),
        "buyer": {
            "id": party_id(contract.lead_commissioner),
            "name": contract.lead_commissioner.name,
        },
        "tender": _tender(contract),
        "awards": [
            _without_blanks(
                {
                    "id": award_id,
                    "title": contract.title,
                    "status": "active",
                    "value": _value(contract.total_value),
                    "suppliers": supplier_ids,
                    "contractPeriod": period,
                }
            )
        ],
        "contracts": [contract_section],
    }
    if contract.under_procurement_act:
        result["noticeType"] = "UK7"
    return result


def release_package(register, published_at=None):
    """The published contracts as one OCDS 1.1 release package (a dict ready for json.dumps)."""
    published_at = published_at or timezone.now()
    return {
        "uri": settings.PUBLIC_REGISTER_URL + "ocds.json",
        "version": OCDS_VERSION,
        "publishedDate": rfc3339(published_at),
        "publisher": _publisher(),
        "publicationPolicy": settings.PUBLIC_REGISTER_URL,
        "releases": [release(contract, published_at) for contract in register.contracts],
    }


def _publisher():
    scheme, identifier = _split_org_id(settings.OPCC_ORG_ID)
    return _without_blanks({"name": settings.OPCC_NAME, "scheme": scheme, "uid": identifier})
