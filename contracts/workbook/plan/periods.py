"""Sheets whose rows cover a period (Values, Options): a financial year, or two dates."""

from commissioning.formats import format_date

from .children import PERIOD_FIELDS, ChildSheet


class PeriodSheet(ChildSheet):
    """A child sheet whose period is given as ``financial_year`` or ``start_date`` + ``end_date``."""

    key_fields = PERIOD_FIELDS
    skipped_columns = ("reference", "financial_year")

    def compared_fields(self, columns):
        # The period is always compared, however the row gave it.
        return [
            name for name in super().compared_fields(columns) if name not in PERIOD_FIELDS
        ] + list(PERIOD_FIELDS)

    def period(self, importer, row):
        if {"financial_year", *PERIOD_FIELDS} & row.failed:
            return None
        year = row.values.get("financial_year")
        start, end = row.values.get("start_date"), row.values.get("end_date")
        if year is not None:
            if (start is not None and start != year.start) or (end is not None and end != year.end):
                importer.errors.append(
                    row.error(
                        f"{year} runs from {format_date(year.start)} to {format_date(year.end)}, but "
                        "start_date and end_date say otherwise; give a financial_year or dates, "
                        "not both.",
                        "financial_year",
                    )
                )
                return None
            # Given as a year: a problem with the period is a problem with that cell.
            return (
                {"start_date": year.start, "end_date": year.end},
                dict.fromkeys(PERIOD_FIELDS, "financial_year"),
            )
        if start is None and end is None:
            importer.errors.append(
                row.error(
                    "no period given: write a financial year like 2022/23, or a start_date "
                    "and end_date.",
                    "financial_year",
                )
            )
            return None
        if start is None or end is None:
            missing = "start_date" if start is None else "end_date"
            importer.errors.append(
                row.error(
                    f"{missing} is blank: give both start_date and end_date, or a financial_year.",
                    missing,
                )
            )
            return None
        return {"start_date": start, "end_date": end}, {
            name: "financial_year" for name in PERIOD_FIELDS if name not in row.values
        }
