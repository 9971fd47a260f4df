"""A contract's history in plain words, newest first.

Every save of a contract, its values, options, partners and outcomes is kept
by django-simple-history with who and when. This module reads those records
for one contract (one query per kind of record, plus one per kind of linked
name, whatever the length of the history) and writes each change as a
sentence: "Year 2024/25 value changed from £130,000 to £135,000", shown with
"by Jane Smith on 3 May 2025".
"""

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from commissioning.fy import FinancialYear, format_money
from commissioning.history import (
    changed_fields,
    describe_change,
    person_name,
    readable_date,
    related_names_for,
)
from outcomes.models import Outcome
from providers.models import Provider

from .models import Contract, ContractPartner, ContractValue, ExtensionOption

LONGEST_OUTCOME_QUOTE = 60


@dataclass(frozen=True)
class HistoryEntry:
    """One change: what happened, who did it and when."""

    when: datetime
    who: str
    sentence: str

    @property
    def line(self):
        return f"{self.sentence} by {self.who} on {readable_date(self.when)}"


def period_phrase(record, noun):
    """ "Year 2024/25 value" for a whole financial year, else "Value for 1 May 2024 to …"."""
    if FinancialYear.is_whole_year(record.start_date, record.end_date):
        return f"Year {FinancialYear.containing(record.start_date)} {noun}"
    return (
        f"{noun.capitalize()} for {readable_date(record.start_date)} "
        f"to {readable_date(record.end_date)}"
    )


def quoted_outcome(record):
    text = " ".join(record.text.split())
    if len(text) > LONGEST_OUTCOME_QUOTE:
        text = text[: LONGEST_OUTCOME_QUOTE - 1].rstrip() + "…"
    return f"Outcome “{text}”"


def describe_contract(record, previous, names):
    if previous is None:
        return ["Contract added to the register"]
    sentences = []
    for field, old, new in changed_fields(previous, record):
        if field.name == "archived_at":
            sentences.append("Archived" if new else "Restored to the register")
        else:
            sentences.append(describe_change(field, old, new, names))
    return sentences


def describe_value(record, previous, names, noun="value"):
    subject = period_phrase(record, noun)
    amount = format_money(record.amount) if record.amount is not None else "no stated amount"
    if record.history_type == "+":
        return [f"{subject} of {amount} added"]
    if record.history_type == "-":
        return [f"{subject} of {amount} removed"]
    sentences = []
    changes = changed_fields(previous, record)
    if any(field.name in {"start_date", "end_date"} for field, _old, _new in changes):
        sentences.append(f"{period_phrase(previous, noun)} moved to {period_phrase(record, noun)}")
    for field, old, new in changes:
        if field.name == "amount":
            sentences.append(
                f"{subject} changed from {format_money(old) or 'no amount'} "
                f"to {format_money(new) or 'no amount'}"
            )
        elif field.name in {"start_date", "end_date"}:
            continue
        elif field.name == "status":
            sentences.append(f"{subject} {str(record.get_status_display()).lower()}")
        else:
            sentences.append(f"{subject}: {describe_change(field, old, new, names)}")
    return sentences


def describe_option(record, previous, names):
    return describe_value(record, previous, names, noun="extension option")


def describe_partner(record, previous, names):
    area = f" ({record.area})" if record.area else ""
    partner = names.get(("provider", record.provider_id), "a provider")
    if record.history_type == "+":
        return [f"{partner}{area} added as {record.get_role_display().lower()}"]
    if record.history_type == "-":
        return [f"{partner}{area} removed as {record.get_role_display().lower()}"]
    return [
        f"{partner}{area}: {describe_change(field, old, new, names)}"
        for field, old, new in changed_fields(previous, record)
    ]


def describe_outcome(record, previous, names):
    subject = quoted_outcome(record)
    if record.history_type == "+":
        return [f"{subject} added"]
    if record.history_type == "-":
        return [f"{subject} removed"]
    if previous is not None and previous.text != record.text:
        return [f"{quoted_outcome(previous)} reworded as “{' '.join(record.text.split())}”"]
    return [
        f"{subject}: {describe_change(field, old, new, names)}"
        for field, old, new in changed_fields(previous, record)
    ]


def pairs_by_row(records):
    """Yield ``(record, the same row's previous record or None)`` in saving order."""
    ordered = sorted(records, key=lambda record: (record.id, record.history_date, record.pk))
    for _row, versions in groupby(ordered, key=lambda record: record.id):
        previous = None
        for record in versions:
            yield record, previous
            previous = record


def contract_history(contract, limit=None):
    """Every recorded change to ``contract`` and its parts, newest first, as HistoryEntry."""
    sources = [
        (Contract.history.filter(id=contract.pk), describe_contract),
        (ContractValue.history.filter(contract_id=contract.pk), describe_value),
        (ExtensionOption.history.filter(contract_id=contract.pk), describe_option),
        (ContractPartner.history.filter(contract_id=contract.pk), describe_partner),
        (Outcome.history.filter(contract_id=contract.pk), describe_outcome),
    ]
    fetched = [
        (list(records.select_related("history_user")), describe) for records, describe in sources
    ]
    # Names for every foreign key that changed, fetched once per kind of record.
    changes = [
        change
        for records, _describe in fetched
        for record, previous in pairs_by_row(records)
        if previous is not None and record.history_type == "~"
        for change in changed_fields(previous, record)
    ]
    names = related_names_for(changes)
    partner_records = fetched[3][0]
    if partner_records:
        for provider in Provider.objects.filter(
            pk__in={record.provider_id for record in partner_records}
        ).only("name"):
            names[("provider", provider.pk)] = provider.name

    entries = []
    for records, describe in fetched:
        for record, previous in pairs_by_row(records):
            who = person_name(record.history_user) if record.history_user else "an import or script"
            entries.extend(
                HistoryEntry(record.history_date, who, sentence)
                for sentence in describe(record, previous, names)
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit] if limit else entries
