"""Who commissions and pays for services, and the headings and cohorts services are grouped by."""

from django.db import models

from commissioning.models import NamedModel


class BodyKind(models.TextChoices):
    PCC = "pcc", "Police and crime commissioner"
    COUNTY_COUNCIL = "county_council", "County council"
    UNITARY_COUNCIL = "unitary_council", "Unitary authority"
    CITY_COUNCIL = "city_council", "City council"
    DISTRICT_COUNCIL = "district_council", "District or borough council"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS = "nhs", "NHS body"
    POLICE = "police", "Police force"
    GOVERNMENT = "government", "Government department"
    OTHER = "other", "Other"


class CommissioningBody(NamedModel):
    """A body that commissions or pays for services: the PCC's office, a council, NHS England."""

    kind = models.CharField(max_length=20, choices=BodyKind.choices, default=BodyKind.OTHER)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "commissioning bodies"


class FundingStream(NamedModel):
    """A named source of money: PCC core budget, MoJ victims grant, Safer Streets Fund 4."""

    provided_by = models.ForeignKey(
        CommissioningBody,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_streams",
        help_text="The body the money comes from, e.g. the Ministry of Justice.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]


class Category(NamedModel):
    """A heading the register groups services under (the seed table's *Type*)."""

    order = models.PositiveIntegerField(default=0, help_text="Position in schedules.")

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"


class Cohort(NamedModel):
    """Who a service is for: victims of domestic abuse, perpetrators, young people …"""

    class Meta:
        ordering = ["name"]
