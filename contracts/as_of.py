"""``?as_of=``: the day a page shows the register as of (today by default).

Pages take ``?as_of=2024-01-01`` in a link, or the GOV.UK date input's three
boxes (``as_of_0``, ``as_of_1``, ``as_of_2``: day, month, year) from the form
on the page. Statuses, "ending within", the financial year and which decisions
are open or overdue are all worked out for that day. The register's own filter
(``contracts.filters.ContractFilter``) carries the same field; the reports use
``as_of(request)``.
"""

import datetime

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from commissioning.formats import format_date
from contracts.models import EARLIEST_DATE, LATEST_DATE

AS_OF_KEYS = ("as_of", "as_of_0", "as_of_1", "as_of_2")

# What a page shown as of another day says about what it cannot know: the
# register keeps no history of amounts, end dates or statuses, only the dates
# options and decisions were settled on.
AS_OF_CAVEAT = (
    "Statuses, what ends soon, the financial year and which decisions are open or overdue "
    "are worked out for that day. A decision recorded, or an option exercised, declined or "
    "lapsed after that day counts as still open then. Values, end dates and stored statuses "
    "are read as they are today: the register keeps no earlier copy of them, so an option "
    "exercised since then already shows in the contract's values and end date."
)


class AsOfDateField(DateInputField):
    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError("Enter a real date, for example 1 1 2024") from None


def with_boxes_filled(data):
    """``data`` with a link's ``as_of=YYYY-MM-DD`` written into the three date boxes (a copy;
    the boxes win when both are given, and a non-date shows back as not a date)."""
    if data is None or not data.get("as_of") or data.get("as_of_0"):
        return data
    data = data.copy()
    try:
        day = datetime.date.fromisoformat(data["as_of"].strip())
    except ValueError:
        data.setlist("as_of_0", ["x"])
    else:
        data["as_of_0"], data["as_of_1"], data["as_of_2"] = map(str, (day.day, day.month, day.year))
    return data


AS_OF_LABEL = "Show the register as it stood on"
AS_OF_HINT = "For example 1 1 2024. Leave it empty for today."


def check_day(day):
    """The day, when the register holds it; a ValidationError saying which days it holds."""
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            f"Enter a date from {format_date(EARLIEST_DATE)} to {format_date(LATEST_DATE)}"
        )
    return day


class AsOfForm(forms.Form):
    as_of = AsOfDateField(label=AS_OF_LABEL, required=False, help_text=AS_OF_HINT)

    def __init__(self, data=None, **kwargs):
        super().__init__(with_boxes_filled(data), **kwargs)

    def clean_as_of(self):
        return check_day(self.cleaned_data["as_of"])


def as_of(request):
    """``(day, form)``: the day asked for (today when none, or when it is not a date, the
    form then saying why) and the bound form for the page."""
    today = timezone.localdate()
    asked = any(key in request.GET for key in AS_OF_KEYS)
    form = AsOfForm(request.GET if asked else None, initial={"as_of": None})
    if asked and form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"], form
    return today, form


def as_of_query(day):
    """The query-string part that keeps a page's day in its links (empty for today)."""
    return "" if day == timezone.localdate() else f"as_of={day:%Y-%m-%d}"
