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
    ContractChange,
    ContractPartner,
    ContractValue,
    ExtensionOption,
    FundingStream,
    Notice,
    NoticeType,
    Status,
)
from outcomes.models import (
    KeyPerformanceIndicator,
    Measure,
    Outcome,
    OutcomeKind,
    PerformanceRating,
    Rating,
)
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


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyPerformanceIndicator

    contract = factory.SubFactory(ContractFactory)
    measure = factory.SubFactory(MeasureFactory)
    target = "80% of service users feel safer at the end of support"


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceRating

    kpi = factory.SubFactory(KpiFactory)
    period_start = datetime.date(2023, 4, 1)
    period_end = datetime.date(2024, 3, 31)
    rating = Rating.GOOD


class ChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractChange

    contract = factory.SubFactory(ContractFactory)
    made_on = datetime.date(2024, 4, 1)
    description = "Extended by a year on the option in the contract."
    value_before = Decimal("100000.00")
    value_after = Decimal("130000.00")


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    contract = factory.SubFactory(ContractFactory)
    notice_type = NoticeType.UK7
    notice_id = factory.Sequence(lambda n: f"2025/S 000-{n:06d}")
    url = "https://www.find-tender.service.gov.uk/Notice/000001-2025"
    published_on = datetime.date(2025, 4, 1)
