"""``?as_of=``: the day a report shows the register as of (today by default).

Pages take ``?as_of=2024-01-01`` in a link, or the GOV.UK date input's three
boxes (``as_of_0``, ``as_of_1``, ``as_of_2``: day, month, year) from the form
on the page. Statuses, "ending within", the financial year and which decisions
are overdue are all worked out for that day.
"""

import datetime

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from commissioning.templatetags.register_format import uk_date as format_date
from contracts.models import EARLIEST_DATE, LATEST_DATE


class AsOfDateField(DateInputField):
    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError("Enter a real date, for example 1 1 2024") from None


class AsOfForm(forms.Form):
    as_of = AsOfDateField(
        label="Show the register as it stood on",
        required=False,
        help_text="For example 1 1 2024. Leave it empty for today.",
    )

    def __init__(self, data=None, **kwargs):
        # A link's ?as_of=YYYY-MM-DD fills the three boxes.
        if data is not None and data.get("as_of") and not data.get("as_of_0"):
            data = data.copy()
            try:
                day = datetime.date.fromisoformat(data["as_of"].strip())
            except ValueError:
                data.setlist("as_of_0", ["x"])  # shown back as not a date
            else:
                data["as_of_0"], data["as_of_1"], data["as_of_2"] = day.day, day.month, day.year
        super().__init__(data, **kwargs)

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(
                f"Enter a date from {format_date(EARLIEST_DATE)} to {format_date(LATEST_DATE)}"
            )
        return day


def as_of(request):
    """``(day, form)``: the day asked for (today when none, or when it is not a date, the
    form then saying why) and the bound form for the page."""
    today = timezone.localdate()
    asked = any(key in request.GET for key in ("as_of", "as_of_0", "as_of_1", "as_of_2"))
    form = AsOfForm(request.GET if asked else None, initial={"as_of": None})
    if asked and form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"], form
    return today, form


def as_of_query(day):
    """The query-string part that keeps a page's day in its links (empty for today)."""
    return "" if day == timezone.localdate() else f"as_of={day:%Y-%m-%d}"
