"""factory_boy factories for the register's models: tests build rows with these."""

import datetime
from decimal import Decimal

import factory

from commissioning.fy import FinancialYear
from contracts.models import (
    Category,
    Cohort,
    CommissioningBody,
    Contract,
    ContractPartner,
    ContractValue,
    ExtensionOption,
    FundingStream,
    Status,
)
from outcomes.models import Measure, Outcome, OutcomeKind
from providers.models import Provider


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Provider {n}")
    kind = "charity"


class CommissioningBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissioningBody
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Commissioner {n}")
    kind = "pcc"


class FundingStreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingStream
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Funding stream {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Category {n}")


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Cohort {n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    reference = factory.Sequence(lambda n: f"C-{n:04d}")
    title = factory.Sequence(lambda n: f"Service {n}")
    category = factory.SubFactory(CategoryFactory)
    lead_provider = factory.SubFactory(ProviderFactory)
    lead_commissioner = factory.SubFactory(CommissioningBodyFactory)
    description = "A commissioned service."
    status = Status.LIVE
    start_date = datetime.date(2022, 4, 1)
    end_date = datetime.date(2025, 3, 31)


class ContractPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractPartner

    contract = factory.SubFactory(ContractFactory)
    provider = factory.SubFactory(ProviderFactory)
    area = ""


class ContractValueFactory(factory.django.DjangoModelFactory):
    """A value for one whole financial year (pass ``year=2023`` for 2023/24)."""

    class Meta:
        model = ContractValue
        exclude = ["year"]

    contract = factory.SubFactory(ContractFactory)
    year = 2022
    start_date = factory.LazyAttribute(lambda value: FinancialYear(value.year).start)
    end_date = factory.LazyAttribute(lambda value: FinancialYear(value.year).end)
    amount = Decimal("10000.00")


class ExtensionOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtensionOption
        exclude = ["year"]

    contract = factory.SubFactory(ContractFactory)
    year = 2025
    start_date = factory.LazyAttribute(lambda option: FinancialYear(option.year).start)
    end_date = factory.LazyAttribute(lambda option: FinancialYear(option.year).end)
    amount = Decimal("10000.00")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Measure {n}")


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    contract = factory.SubFactory(ContractFactory)
    kind = OutcomeKind.RESULT
    text = factory.Sequence(lambda n: f"{n}% of service users felt safer")
