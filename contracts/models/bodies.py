"""Who commissions and pays for services, and the headings and cohorts services are grouped by."""

from django.db import models


class NamedQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        return self.get(name=name)


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


class CommissioningBody(models.Model):
    """A body that commissions or pays for services: the PCC's office, a council, NHS England."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=BodyKind.choices, default=BodyKind.OTHER)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "commissioning bodies"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class FundingStream(models.Model):
    """A named source of money: PCC core budget, MoJ victims grant, Safer Streets Fund 4."""

    name = models.CharField(max_length=200, unique=True)
    provided_by = models.ForeignKey(
        CommissioningBody,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_streams",
        help_text="The body the money comes from, e.g. the Ministry of Justice.",
    )
    description = models.TextField(blank=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class Category(models.Model):
    """A heading the register groups services under (the seed table's *Type*)."""

    name = models.CharField(max_length=200, unique=True)
    order = models.PositiveIntegerField(default=0, help_text="Position in schedules.")

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class Cohort(models.Model):
    """Who a service is for: victims of domestic abuse, perpetrators, young people …"""

    name = models.CharField(max_length=200, unique=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)
