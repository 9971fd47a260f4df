"""The Partners sheet: the providers delivering a contract beside its lead, each in an area."""

from contracts.models import ContractPartner

from ..columns import PARTNERS
from .children import ChildSheet


class PartnersSheet(ChildSheet):
    sheet = PARTNERS
    model = ContractPartner
    related_name = "partners"
    key_fields = ("provider", "area")

    def label(self, reference, record):
        area = f" ({record.area})" if record.area else ""
        return f"{reference} {record.provider.name if record.provider else ''}{area}"

    def check(self, importer, wanted, rows):
        """A provider is a partner once per area of a contract."""
        for records in wanted.values():
            seen = {}
            for record in records:
                key = (id(record.provider), record.area)
                if key in seen:
                    area = f" in area “{record.area}”" if record.area else ""
                    importer.errors.append(
                        rows[id(record)].error(
                            f"{record.provider.name} is already a partner{area} on row "
                            f"{rows[id(seen[key])].number}.",
                            "provider",
                        )
                    )
                seen[key] = record
