"""Recorded changes, in plain words.

django-simple-history stores a full copy of a row at every save. This module
turns the difference between two copies into phrases a commissioning officer
reads without help: "Title changed from “Victim support” to “Victim support
service”", "Amount changed from £130,000 to £135,000". The contract page's
history (contracts/history.py) and the optimistic-locking message
(commissioning/locking.py) both use it.
"""

import datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone

from commissioning.formats import format_date, format_money

# Bookkeeping columns a person never changes on purpose.
UNINTERESTING_FIELDS = {"id", "version", "created_at", "updated_at", "decided_at"}
MONEY_FIELDS = {"amount"}
LONGEST_QUOTED_TEXT = 80


def readable_moment(moment):
    """20:31 on 3 May 2025, in the site's time zone."""
    moment = timezone.localtime(moment)
    return f"{moment:%H:%M} on {format_date(moment)}"


def person_name(user):
    """A user's full name, falling back to the username; "someone" for an unknown user."""
    if user is None:
        return "someone"
    return user.get_full_name().strip() or user.get_username()


def field_label(model, name):
    return str(model._meta.get_field(name).verbose_name).capitalize()


def readable_value(field, value, related_names=None):
    """How a stored value reads in a sentence: £130,000, 3 May 2025, “quoted text”, Live."""
    if value is None or value == "":
        return "blank"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return (related_names or {}).get((field.related_model, value), f"number {value}")
    if field.name in MONEY_FIELDS or (isinstance(value, Decimal) and field.name.endswith("amount")):
        return format_money(value)
    if isinstance(value, datetime.datetime):
        return readable_moment(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = " ".join(str(value).split())
    if len(text) > LONGEST_QUOTED_TEXT:
        text = text[: LONGEST_QUOTED_TEXT - 1].rstrip() + "…"
    return f"“{text}”"


def changed_fields(older, newer):
    """``[(field, old value, new value)]`` between two historical records of one row."""
    model = newer.instance_type
    changes = []
    for field in model._meta.concrete_fields:
        if field.name in UNINTERESTING_FIELDS:
            continue
        attname = field.attname
        if not hasattr(newer, attname) or not hasattr(older, attname):
            continue  # a field the history leaves out
        old, new = getattr(older, attname), getattr(newer, attname)
        if old != new:
            changes.append((field, old, new))
    return changes


def related_names_for(changes):
    """``{(model, pk): str}`` for every foreign key the changes mention: one query per model."""
    wanted = {}
    for field, old, new in changes:
        if isinstance(field, models.ForeignKey):
            wanted.setdefault(field.related_model, set()).update(
                value for value in (old, new) if value is not None
            )
    names = {}
    for model, pks in wanted.items():
        for row in model._default_manager.filter(pk__in=pks):
            names[(model, row.pk)] = str(row)
    return names


def describe_change(field, old, new, related_names=None):
    """One phrase: "Title changed from “A” to “B”", "Notes changed" for long text."""
    label = field_label(field.model, field.name)
    if isinstance(field, models.TextField):
        return f"{label} changed"
    old_text = readable_value(field, old, related_names)
    new_text = readable_value(field, new, related_names)
    if old_text == "blank":
        return f"{label} set to {new_text}"
    if new_text == "blank":
        return f"{label} cleared (was {old_text})"
    return f"{label} changed from {old_text} to {new_text}"
