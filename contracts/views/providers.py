"""The provider pages: the list with what each holds, and one provider with its contracts.

Here, not in ``providers``, because they read the contracts: providers sit below them.
"""

from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django_filters.views import FilterView

from commissioning.fy import FinancialYear
from commissioning.tables import RegisterTableMixin
from contracts.models import Contract, ContractPartner
from contracts.models.holdings import with_holdings
from providers.filters import ProviderFilter
from providers.models import Provider
from providers.tables import ProviderTable


class ProviderListView(RegisterTableMixin, FilterView):
    model = Provider
    filterset_class = ProviderFilter
    table_class = ProviderTable
    table_pagination = {"per_page": 50}
    template_name = "providers/provider_list.html"

    def get_queryset(self):
        self.year = FinancialYear.current()
        return with_holdings(Provider.objects.current(), self.year)

    def get_table_kwargs(self):
        return {"year": self.year}

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.year, **kwargs)


def provider_detail(request, pk):
    year = FinancialYear.current()
    provider = get_object_or_404(
        with_holdings(Provider.objects.all(), year),
        pk=pk,
    )
    contracts = (
        Contract.objects.current()
        .of_provider(provider)
        .with_status()
        .with_stored_money(year, name="value_this_year_amount")
        .select_related("category", "lead_provider")
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=ContractPartner.objects.filter(provider=provider),
                to_attr="partnerships_of_provider",
            )
        )
        .order_by("-end_date", "reference")
    )
    return render(
        request,
        "providers/provider_detail.html",
        {"provider": provider, "contracts": contracts, "year": year},
    )


SUGGESTIONS = 20


def provider_suggestions(request):
    """Names of current providers containing ``q``, for the provider filter's type-ahead."""
    text = " ".join(request.GET.get("q", "").split())[:100]
    names = []
    if text:
        names = list(
            Provider.objects.current()
            .filter(name__icontains=text)
            .order_by("name")
            .values_list("name", flat=True)[:SUGGESTIONS]
        )
    return JsonResponse({"names": names})
