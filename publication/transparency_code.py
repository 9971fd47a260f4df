"""The published register as the Local Government Transparency Code 2015 lays out a council's
contract register and its grants to voluntary, community and social enterprise organisations.

Money is written as plain numbers with pence (``129500.00``), dates as ``YYYY-MM-DD``: the
forms spreadsheets and the Code's own guidance read without guessing.
"""

import csv
import io

from django.utils import timezone

from contracts.models import ProcurementRoute

from .register import parties

CONTRACT_COLUMNS = [
    "Reference",
    "Title",
    "Department",
    "Description",
    "Purpose",
    "Supplier name",
    "Supplier company number",
    "Supplier charity number",
    "Supplier identifier",
    "SME",
    "Voluntary, community or social enterprise",
    "Total value (£)",
    "Annual value (£)",
    "VAT that cannot be recovered (£)",
    "Start date",
    "End date",
    "Review date",
    "Procurement route",
    "Other parties",
    "Published copy",
    "Copy redacted",
    "Invitation to tender",
    "OCID",
]

GRANT_COLUMNS = [
    "Reference",
    "Title",
    "Date awarded",
    "Start date",
    "End date",
    "Department",
    "Beneficiary",
    "Beneficiary company number",
    "Beneficiary charity number",
    "Beneficiary identifier",
    "Purpose",
    "Amount (£)",
    "Conditions",
    "Why it is expected to reduce crime and disorder",
]


def _money(amount):
    return "" if amount is None else f"{amount:.2f}"


def _date(day):
    return day.isoformat() if day else ""


def _yes_no(flag):
    return {True: "Yes", False: "No"}.get(flag, "")


def _route(contract):
    """Quotation or published invitation to tender, as the Code asks; other routes by name."""
    if contract.procurement_route:
        return ProcurementRoute(contract.procurement_route).label
    return ""


def _review_date(contract):
    """The next decision on an extension option still available: when the contract is reviewed."""
    due = [option.decision_due for option in contract.options_remaining if option.decision_due]
    return min(due) if due else None


def _purpose(contract):
    return contract.purpose or contract.description


def contract_row(contract):
    provider = contract.lead_provider
    others = [party.name for party in parties(contract) if party != provider]
    return [
        contract.reference,
        contract.title,
        contract.lead_commissioner.name,
        contract.description,
        contract.purpose,
        provider.name,
        provider.company_number,
        provider.charity_number,
        provider.org_id,
        _yes_no(provider.is_sme),
        _yes_no(provider.is_vcse),
        _money(contract.total_value),
        _money(contract.annual_value),
        _money(contract.irrecoverable_vat_amount) if contract.irrecoverable_vat else "",
        _date(contract.start_date),
        _date(contract.end_date),
        _date(_review_date(contract)),
        _route(contract),
        "; ".join(others),
        contract.published_copy_url,
        "Yes" if contract.copy_redacted else "",
        contract.tender_url,
        contract.ocid,
    ]


def grant_row(grant):
    recipient = grant.lead_provider
    return [
        grant.reference,
        grant.title,
        # No award date is recorded apart from the start: the grant is dated from its start.
        _date(grant.start_date),
        _date(grant.start_date),
        _date(grant.end_date),
        grant.lead_commissioner.name,
        recipient.name,
        recipient.company_number,
        recipient.charity_number,
        recipient.org_id,
        _purpose(grant),
        _money(grant.total_value),
        grant.grant_conditions,
        grant.crime_reduction_reason,
    ]


def _csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        # Text never becomes a spreadsheet formula when the file is opened.
        writer.writerow(
            [
                f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell
                for cell in row
            ]
        )
    # A byte-order mark, so spreadsheet programs read the £ sign as UTF-8.
    return "\ufeff" + buffer.getvalue()


def contracts_csv(register):
    """Every published contract (over £10,000 and of £10,000 or less), one row each."""
    return _csv(CONTRACT_COLUMNS, [contract_row(contract) for contract in register.contracts])


def grants_csv(register):
    return _csv(GRANT_COLUMNS, [grant_row(grant) for grant in register.grants])


def csv_filename(kind):
    return f"{kind}-{timezone.localdate():%Y-%m-%d}.csv"
