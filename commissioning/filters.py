"""The project's base for django-filter FilterSets: GOV.UK form markup and clear errors.

A bad value in the query string (``?financial_year=next``) must show a GOV.UK
error message on the form, never a 500 and never be silently dropped. The
filters here turn every value a user can type into a typed value
(``FinancialYear``, ``Decimal`` pounds) or a message saying how to write it.
"""

import datetime
import re
from urllib.parse import urlencode

import django_filters
from django import forms

from commissioning.formats import format_date
from commissioning.fy import FinancialYear, parse_money
from commissioning.widgets import PlainSelect

YES_NO = [("yes", "Yes"), ("no", "No")]

_WIDGET_CLASSES = {
    forms.Select: ("govuk-select", "govuk-select--error"),
    forms.TextInput: ("govuk-input", "govuk-input--error"),
    forms.NumberInput: ("govuk-input", "govuk-input--error"),
}


class GovukFilterForm(forms.Form):
    """A filter form whose widgets carry GOV.UK classes, with error classes once validated."""

    # Applied to text and number inputs so they are not full width.
    input_width_classes = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if type(field.widget) is forms.Select:
                # Long lists (2,000 providers) render in milliseconds, not half a second.
                field.widget = PlainSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            for widget_type, (css_class, _) in _WIDGET_CLASSES.items():
                if isinstance(field.widget, widget_type):
                    width = self.input_width_classes.get(name, "")
                    field.widget.attrs["class"] = f"{css_class} {width}".strip()
                    break

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            for widget_type, (_, error_class) in _WIDGET_CLASSES.items():
                if isinstance(widget, widget_type):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {error_class}"
                    break
            bound = self[name]
            described_by = [f"{bound.auto_id}_helptext"] if bound.help_text else []
            widget.attrs["aria-describedby"] = " ".join([*described_by, f"{bound.auto_id}-error"])


class FinancialYearField(forms.CharField):
    """A financial year typed as ``2024/25`` or ``2024`` (meaning 2024/25)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return FinancialYear.parse(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class MoneyField(forms.CharField):
    """An amount of money typed as ``50000``, ``£50,000`` or ``£50k``."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_money(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class FinancialYearFilter(django_filters.Filter):
    field_class = FinancialYearField


class MoneyFilter(django_filters.Filter):
    field_class = MoneyField


class GovukFilterSet(django_filters.FilterSet):
    """Base FilterSet for the register's pages (GOV.UK widgets and error markup)."""

    class Meta:
        form = GovukFilterForm

    @property
    def has_filters(self):
        """True when the query string sets any of this FilterSet's filters."""
        return self.is_bound and any(self.data.get(name) for name in self.filters)

    def selected_filters(self):
        """``[(label, shown value, query string without it)]`` for each valid filter in use.

        Feeds the "Selected filters" tags, each a link that removes its filter.
        """
        if not self.is_bound or not self.is_valid():
            return []
        selected = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            field = self.form.fields[name]
            shown = value
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                shown = dict(field.choices).get(value, value)
            elif isinstance(value, datetime.date):
                shown = format_date(value)
            # A date typed in three boxes is sent as name_0, name_1 and name_2.
            boxes = re.compile(rf"{re.escape(name)}_\d+")
            remaining = [
                (key, item)
                for key, item in self._query_items()
                if key not in (name, "page") and not boxes.fullmatch(key)
            ]
            selected.append((field.label, str(shown), f"?{urlencode(remaining)}"))
        return selected

    def _query_items(self):
        if hasattr(self.data, "lists"):
            return [(key, item) for key, items in self.data.lists() for item in items]
        return list(self.data.items())


class NamedChoiceField(forms.ModelChoiceField):
    """A choice among thousands (providers), typed as a name instead of picked from a list.

    Without JavaScript it is a plain text input: the name typed, or enough of it
    to match one record, chooses the record. With JavaScript, GOV.UK's
    accessible-autocomplete suggests names as you type (``static/js/app.js``,
    from ``suggest_url``). A link made earlier with the record's id
    (``?provider=12``) still works, and the input then shows the name.
    """

    widget = forms.TextInput

    def __init__(self, *args, suggest_url=None, noun="record", **kwargs):
        super().__init__(*args, **kwargs)
        self.noun = noun
        self.chosen = None
        self.widget.attrs.update(
            {"data-module": "app-autocomplete", "autocomplete": "off", "spellcheck": "false"}
        )
        if suggest_url:
            self.widget.attrs["data-suggest-url"] = suggest_url

    def to_python(self, value):
        if value in self.empty_values:
            return None
        # PostgreSQL refuses NUL in any text it is sent: no name holds one anyway.
        text = " ".join(str(value).replace("\x00", "").split())
        queryset = self.queryset
        if text.isascii() and text.isdigit() and len(text) <= 18:  # an id, from an old link
            found = queryset.filter(pk=int(text)).first()
            if found is None:
                raise forms.ValidationError(
                    f"There is no {self.noun} number {text}: type its name instead",
                    code="invalid_choice",
                )
        else:
            found = queryset.filter(name__iexact=text).first()
            if found is None:
                matches = list(queryset.filter(name__icontains=text).order_by("name")[:2])
                if not matches:
                    raise forms.ValidationError(
                        f"No {self.noun} is called “{text}”: check the spelling, "
                        "or type part of the name",
                        code="invalid_choice",
                    )
                if len(matches) > 1:
                    raise forms.ValidationError(
                        f"More than one {self.noun} has “{text}” in its name: "
                        "type more of the name",
                        code="invalid_choice",
                    )
                found = matches[0]
        self.chosen = found
        return found

    def prepare_value(self, value):
        # Shown back in the input: the name, never the id.
        if self.chosen is not None:
            return self.chosen.name
        if hasattr(value, "_meta"):
            return value.name
        return value

    def validate(self, value):
        forms.Field.validate(self, value)


class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NamedChoiceField
