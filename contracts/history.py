"""A contract's history in plain words, newest first.

Every save of a contract, its values, options, partners and outcomes is kept
by django-simple-history with who and when, one history table per model. This
module reads those records for one contract in a single query, whatever the
length of the history (``history_rows``: a UNION ALL over the five tables, each
row carried as a JSON object with the names of the records it points at), and
writes each change as a sentence: "Year 2024/25 value changed from £130,000 to
£135,000", shown with "by Jane Smith on 3 May 2025".
"""

import datetime as dt
import functools
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, JSONObject, NullIf
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from commissioning.formats import format_date, format_money
from commissioning.fy import FinancialYear
from commissioning.history import changed_fields, describe_change, person_name
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
        return f"{self.sentence} by {self.who} on {format_date(self.when)}"


def period_phrase(record, noun):
    """ "Year 2024/25 value" for a whole financial year, else "Value for 1 May 2024 to …"."""
    if FinancialYear.is_whole_year(record.start_date, record.end_date):
        return f"Year {FinancialYear.containing(record.start_date)} {noun}"
    return (
        f"{noun.capitalize()} for {format_date(record.start_date)} "
        f"to {format_date(record.end_date)}"
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
    partner = names.get((Provider, record.provider_id), "a provider")
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


# The models whose history the page tells, how each row belongs to the contract,
# and how each change reads; in this order where two changes share a moment.
SOURCES = (
    (Contract, "id", describe_contract),
    (ContractValue, "contract_id", describe_value),
    (ExtensionOption, "contract_id", describe_option),
    (ContractPartner, "contract_id", describe_partner),
    (Outcome, "contract_id", describe_outcome),
)
# PostgreSQL's json(b)_build_object takes at most 100 arguments: 50 fields.
FIELDS_PER_OBJECT = 40


def history_rows(contract):
    """The historical records of ``contract`` and its parts, from every history table in one query.

    Returns ``(records by model, names)``: unsaved historical instances with
    ``who`` set to the person's name, and ``{(model, pk): name}`` for every
    record a foreign key in them points at (what ``readable_value`` prints).
    """
    sql, params = _history_sql(connection.alias)
    params = [contract.pk if param == _ANY_CONTRACT else param for param in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    records = {model: [] for model, _link, _describe in SOURCES}
    names = {}
    User = get_user_model()
    for row in rows:
        for column in ("h_fields", "h_names"):
            if isinstance(row[column], str):  # SQLite hands JSON back as text
                row[column] = json.loads(row[column])
        row["h_date"] = _moment(row["h_date"])
        model = SOURCES[row["h_source"]][0]
        history_model = model.history.model
        values = {}
        for chunk in row["h_fields"].values():
            values.update(chunk)
        record = history_model(
            history_id=row["h_id"],
            history_date=row["h_date"],
            history_type=row["h_type"],
            history_user_id=row["h_user"],
            **{
                field.attname: _python_value(field, values[field.attname])
                for field in _tracked_fields(model)
            },
        )
        record.who = (
            person_name(
                User(
                    first_name=row["h_first_name"] or "",
                    last_name=row["h_last_name"] or "",
                    **{User.USERNAME_FIELD: row["h_username"] or ""},
                )
            )
            if row["h_username"] is not None  # a user since deleted reads as nobody known
            else "an import or script"
        )
        records[model].append(record)
        for field in _foreign_keys(model):
            name = row["h_names"].get(field.attname)
            target = values[field.attname]
            if name is not None and target is not None:
                names[(field.related_model, int(target))] = name
    return records, names


# Stands for the contract's primary key in the query built once per process.
_ANY_CONTRACT = -7_348_112_907


@functools.cache
def _history_sql(alias):
    """The UNION's SQL and parameters, built and compiled once: building the five parts'
    JSON expressions costs far more than running them."""
    parts = [
        _history_of(index, model, link, _ANY_CONTRACT)
        for index, (model, link, _describe) in enumerate(SOURCES)
    ]
    union = parts[0].union(*parts[1:], all=True).order_by()
    return union.query.get_compiler(alias).as_sql()


def _moment(value):
    """A stored moment as an aware datetime (SQLite keeps UTC text, PostgreSQL a timestamptz)."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    return timezone.make_aware(moment, dt.UTC) if timezone.is_naive(moment) else moment


def _history_of(index, model, link, contract_pk):
    """One history table's part of the UNION: the same columns, whatever the model."""
    fields = [field.attname for field in _tracked_fields(model)]
    chunks = {
        f"p{start}": JSONObject(
            **{name: F(name) for name in fields[start : start + FIELDS_PER_OBJECT]}
        )
        for start in range(0, len(fields), FIELDS_PER_OBJECT)
    }
    foreign_keys = {
        field.attname: _name_of(field.related_model, field.name) for field in _foreign_keys(model)
    }
    username = get_user_model().USERNAME_FIELD
    return (
        model.history.filter(**{link: contract_pk})
        .order_by()
        .values(
            h_source=Value(index),
            h_id=F("history_id"),
            h_date=F("history_date"),
            h_type=F("history_type"),
            h_user=F("history_user_id"),
            h_first_name=F("history_user__first_name"),
            h_last_name=F("history_user__last_name"),
            h_username=F(f"history_user__{username}"),
            h_fields=JSONObject(**chunks),
            h_names=JSONObject(**foreign_keys) if foreign_keys else JSONObject(none=Value(None)),
        )
    )


@functools.cache
def _tracked_fields(model):
    """The model's fields its history keeps (simple-history may leave some out)."""
    kept = {field.attname for field in model.history.model._meta.concrete_fields}
    return [field for field in model._meta.concrete_fields if field.attname in kept]


@functools.cache
def _foreign_keys(model):
    return [field for field in _tracked_fields(model) if isinstance(field, models.ForeignKey)]


def _name_of(model, path):
    """An expression for ``str()`` of the record at ``path``: its name, or a contract's reference and title."""
    if model is Contract:
        return Concat(F(f"{path}__reference"), Value(" "), F(f"{path}__title"))
    if model is get_user_model():  # a contract manager: their name, else their username
        full_name = Concat(F(f"{path}__first_name"), Value(" "), F(f"{path}__last_name"))
        return Coalesce(NullIf(full_name, Value(" ")), F(f"{path}__{model.USERNAME_FIELD}"))
    model._meta.get_field("name")  # every other record the history points at is named
    return F(f"{path}__name")


def _python_value(field, value):
    """A value read back from JSON as the model field holds it."""
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return Decimal(str(value))
    if isinstance(field, models.DateTimeField):
        return _moment(value)
    return field.to_python(value)


def contract_history(contract, limit=None):
    """Every recorded change to ``contract`` and its parts, newest first, as HistoryEntry."""
    records, names = history_rows(contract)
    entries = []
    for model, _link, describe in SOURCES:
        for record, previous in pairs_by_row(records[model]):
            entries.extend(
                HistoryEntry(record.history_date, record.who, sentence)
                for sentence in describe(record, previous, names)
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit] if limit else entries
