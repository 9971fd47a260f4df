"""The Options sheet: extension options, which must lie beyond the contract's committed values."""

from contracts.models import ExtensionOption

from ..columns import OPTIONS, VALUES
from .periods import PeriodSheet


class OptionsSheet(PeriodSheet):
    sheet = OPTIONS
    model = ExtensionOption
    related_name = "options"

    def label(self, reference, record):
        return f"{reference} {record.period_label}"

    def check(self, importer, wanted, rows):
        """An available option may not overlap a value: the values as the workbook leaves them."""
        for reference, records in wanted.items():
            if VALUES.name in importer.parsed.sheets:
                committed = importer.wanted[VALUES.name][reference]
            else:
                contract = importer.contracts[reference].contract
                committed = list(contract.values.all()) if contract.pk else []
            for record in records:
                value = record.overlapped_value(committed)
                if value is not None:
                    importer.errors.append(
                        rows[id(record)].error(
                            ExtensionOption.overlap_sentence(value),
                            "financial_year" if record.financial_year else "start_date",
                        )
                    )
