"""Providers: the organisations that deliver commissioned services.

Below contracts: nothing here knows about contracts. What a provider holds
(its contracts, their money) is read from the contracts side, in
``contracts/models/holdings.py``.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from commissioning.audited import AuditedQuerySet
from commissioning.models import Archivable, ArchivableQuerySet, NamedQuerySet, Versioned


class ProviderKind(models.TextChoices):
    CHARITY = "charity", "Charity"
    CIC = "cic", "Community interest company"
    COMPANY = "company", "Company"
    PUBLIC_BODY = "public_body", "Public body"
    NHS = "nhs", "NHS body"
    POLICE = "police", "Police"
    OTHER = "other", "Other"


class ProviderQuerySet(ArchivableQuerySet, NamedQuerySet, AuditedQuerySet):
    """Providers: current or archived, found by name, and never bulk-updated."""


class Provider(Archivable, Versioned, models.Model):
    """An organisation that delivers commissioned services."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=ProviderKind.choices, default=ProviderKind.OTHER)
    charity_number = models.CharField(
        max_length=20, blank=True, help_text="Charity Commission number, e.g. 1234567."
    )
    company_number = models.CharField(
        max_length=20, blank=True, help_text="Companies House number, e.g. 01234567."
    )
    ppon_identifier = models.CharField(
        "PPON identifier",
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^GB-PPON-[A-Z0-9-]+$",
                "A PPON identifier looks like GB-PPON-ABCD-1234-EFGH: GB-PPON- then letters, "
                "digits and hyphens.",
            )
        ],
        help_text="The supplier's identifier on the Central Digital Platform, GB-PPON-….",
    )
    # Supplier facts a contract details notice (UK7) carries; blank means not recorded.
    is_sme = models.BooleanField(
        "SME", null=True, blank=True, help_text="A small or medium-sized enterprise."
    )
    is_vcse = models.BooleanField(
        "VCSE",
        null=True,
        blank=True,
        help_text="A voluntary, community or social enterprise organisation.",
    )
    is_supported_employment = models.BooleanField(
        "supported employment provider", null=True, blank=True
    )
    is_public_service_mutual = models.BooleanField("public service mutual", null=True, blank=True)
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True, help_text="Published in notices.")
    address = models.TextField(blank=True, help_text="Postal address, published in notices.")
    notes = models.TextField(blank=True, help_text="Internal notes; never published.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="provider_name_not_blank"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("providers:detail", args=[self.pk])

    def natural_key(self):
        return (self.name,)

    @property
    def org_id(self):
        """The org-id.guide identifier that follows from the registration numbers."""
        charity = self.charity_number.strip().upper().replace(" ", "")
        if charity.startswith("SC"):
            return f"GB-SC-{charity}"
        if charity.startswith("NIC"):
            return f"GB-NIC-{charity[3:]}"
        if charity:
            return f"GB-CHC-{charity}"
        company = self.company_number.strip().upper().replace(" ", "")
        if company.isdigit():
            # Companies House numbers have eight characters; leading zeros are often dropped.
            company = company.zfill(8)
        if company:
            return f"GB-COH-{company}"
        return self.ppon_identifier
