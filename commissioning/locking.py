"""Optimistic locking for contracts and providers: no edit silently overwrites another.

Each save of an existing contract or provider adds one to its ``version``.
An edit form carries the version the editor opened as a hidden field; when
it comes back, the row is locked (``SELECT … FOR UPDATE``, inside the
request's transaction) and its version compared. If someone saved in
between, the form is refused with a list of what they changed; the form comes back
holding both edits (their changes merged into the fields this editor left
alone; where both changed a field, this editor's value, flagged) and the new
version, so saving again after reading the list goes through. Rows in the
admin's inline tables are shown as saved now (with a message), since the
stale copies posted would undo the other editor's changes to them.

Why not django-concurrency: it raises on save deep inside the admin (a 409
or a generic error page), its messages say nothing about *what* changed, and
this needs only a hidden field, a locked read and the history already kept.
"""

import contextvars
import copy
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils import formats

from commissioning.history import (
    changed_fields,
    describe_change,
    person_name,
    readable_moment,
    related_names_for,
)

STALE_FORM_MESSAGE = "This form is out of date: reload the page and make your change again."


# Set while a parent's own form saves its inline rows: its version has just moved.
_saving_with_parent = contextvars.ContextVar("saving_with_parent", default=False)


@contextmanager
def parts_saved_with_their_parent():
    """Inline rows saved by their parent's checked form do not move the parent again."""
    token = _saving_with_parent.set(True)
    try:
        yield
    finally:
        _saving_with_parent.reset(token)


def count_versions_of_parts(parent, *models):
    """A change to any row of ``models`` (saved or deleted) is a new version of its ``parent``.

    A contract's values, options, partners and outcomes are part of it: an
    editor holding the contract open must not save over a change to one of them
    made elsewhere (its own admin page, an import, any form), so such a change
    moves the contract's version too, and that editor's save is refused with the
    usual message. The rows are ``commissioning.models.Versioned`` too, so they carry
    versions of their own and their own admin pages are checked like contracts; the
    parent's move is its own ``Versioned.save(update_fields=["version"])``.
    """
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                _move_parent_version(parent),
                sender=model,
                weak=False,
                dispatch_uid=f"commissioning.locking.parent.{signal}.{model._meta.label}",
            )


def _move_parent_version(parent):
    def move(sender, instance, raw=False, **kwargs):
        if raw or _saving_with_parent.get():
            return
        parent_model = sender._meta.get_field(parent).related_model
        owner = parent_model._default_manager.filter(pk=getattr(instance, f"{parent}_id")).first()
        if owner is None:  # the parent itself is being deleted
            return
        if kwargs.get("signal") is post_delete:
            verb = "removed"
        else:
            verb = "added" if kwargs.get("created") else "changed"
        owner._change_reason = _part_changed(owner, sender._meta.verbose_name, instance, verb)
        owner.save(update_fields=["version"])

    return move


def _part_changed(owner, kind, part, verb):
    """ "its yearly value “2024/25 …” was changed", the part's name shortened so the
    sentence fits the history's change-reason column (PostgreSQL enforces its length)."""
    room = owner.history.model._meta.get_field("history_change_reason").max_length
    room -= len(f"its {kind} “” was {verb}")
    name = str(part)
    if len(name) > room:
        name = name[: max(room - 1, 0)] + "…"
    return f"its {kind} “{name}” was {verb}"


def changes_since(instance, seen_version):
    """Plain-words lines describing each save of ``instance`` after ``seen_version``."""
    records = list(
        instance.history.filter(version__gte=seen_version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    seen = next((record for record in records if record.version == seen_version), None)
    later = [record for record in records if record.version > seen_version]
    if seen is None or not later:
        return ["It was changed, but its history does not say how."]
    lines, previous = [], seen
    for record in later:
        changes = changed_fields(previous, record)
        names = related_names_for(changes)
        described = "; ".join(describe_change(*change, names) for change in changes)
        described = described or getattr(record, "history_change_reason", None) or ""
        lines.append(
            f"{person_name(record.history_user)} saved it at {readable_moment(record.history_date)}: "
            + (described or "no field you can edit here changed")
            + "."
        )
        previous = record
    return lines


class VersionCheckedForm(forms.ModelForm):
    """A model form that refuses to save over changes made since it was opened."""

    seen_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        required=False,
        error_messages={"invalid": STALE_FORM_MESSAGE, "min_value": STALE_FORM_MESSAGE},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version
            self.fields["seen_version"].required = True
            self.fields["seen_version"].error_messages["required"] = STALE_FORM_MESSAGE

    def clean(self):
        cleaned_data = super().clean()
        seen_version = cleaned_data.get("seen_version")
        if self.instance.pk is None or seen_version is None:
            return cleaned_data
        model = type(self.instance)
        # Locked until the request's transaction ends, so two saves cannot both pass.
        current = model._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is None or current.version == seen_version:
            return cleaned_data
        seen = current.history.filter(version=seen_version).order_by("-history_date").first()
        conflicts = self.take_their_changes(seen, current) if seen is not None else []
        noun = model._meta.verbose_name
        raise ValidationError(
            [
                f"Your changes have not been saved: someone else saved this {noun} "
                "after you opened it.",
                *changes_since(current, seen_version),
                "The form below now holds their changes and yours together."
                + (
                    f" You both changed {', '.join(conflicts)}: the form keeps your value there."
                    if conflicts
                    else ""
                )
                + " Check it, then save again.",
            ]
        )

    def take_their_changes(self, seen, current):
        """Merge the other save into this form's data; return the labels of fields both changed.

        A field the other editor changed and this one did not takes their value;
        a field both changed keeps this editor's value. The form's hidden version
        moves on, so saving the merged form again is deliberate and goes through.
        """
        data = self.data.copy()
        data[self.add_prefix("seen_version")] = current.version
        conflicts = []
        for name, form_field in self.fields.items():
            try:
                model_field = current._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.many_to_many or not hasattr(seen, model_field.attname):
                continue
            before = getattr(seen, model_field.attname)
            theirs = getattr(current, model_field.attname)
            if theirs == before:
                continue
            mine = self.cleaned_data.get(name, before)
            if isinstance(mine, Model):
                mine = mine.pk
            if mine == before:
                key = self.add_prefix(name)
                if isinstance(theirs, bool):
                    if theirs:
                        data[key] = "on"
                    else:
                        data.pop(key, None)
                else:
                    data[key] = "" if theirs is None else formats.localize_input(theirs)
            elif mine != theirs:
                conflicts.append(str(form_field.label or name).lower())
        self.data = data
        return conflicts


class VersionCheckedAdminMixin:
    """Put the version check into a ModelAdmin's change form."""

    form = VersionCheckedForm

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        if obj is not None and request.method == "POST" and self.is_stale(request, obj):
            # The inline rows posted are as they were when this editor opened the page:
            # saved again they would quietly undo the other editor's changes to those
            # rows. Show the rows as saved now instead, and say so.
            as_saved_now = copy.copy(request)
            as_saved_now.method = "GET"
            formsets, inline_instances = self._create_formsets(as_saved_now, obj, change=True)
            if formsets:
                messages.warning(
                    request,
                    "The tables of values, options, partners and outcomes below show what "
                    "is saved now: changes you made in them were not kept, so make them again.",
                )
        return super().get_inline_formsets(request, formsets, inline_instances, obj)

    def save_related(self, request, form, formsets, change):
        # This form's own check covered its inline rows, and its save moved the version.
        with parts_saved_with_their_parent():
            super().save_related(request, form, formsets, change)

    @staticmethod
    def is_stale(request, obj):
        """The posted form was opened before the object's latest save."""
        return request.POST.get("seen_version") != str(obj.version)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "seen_version"]}), *rest]
