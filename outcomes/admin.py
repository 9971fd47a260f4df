from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from commissioning.locking import VersionCheckedAdminMixin

from .models import KeyPerformanceIndicator, Measure, Outcome, PerformanceRating


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "family"]
    list_filter = ["family"]
    search_fields = ["name", "description"]


@admin.register(Outcome)
class OutcomeAdmin(VersionCheckedAdminMixin, SimpleHistoryAdmin):
    list_display = ["short_text", "contract", "kind", "measure", "value", "unit", "cohort"]
    list_filter = ["kind", "measure", "unit", "contract__category"]
    search_fields = ["text", "contract__reference", "contract__title", "cohort", "source"]
    list_select_related = ["contract", "measure"]
    autocomplete_fields = ["contract", "measure"]
    # Grouped by the contract's key, not its register order (the model's "contract"): that
    # joined and sorted all 500,000 outcomes of a national register on every changelist
    # (~0.9 s at 100,000 contracts, bench/results.md, h16l); this walks the contract index.
    ordering = ["contract_id", "order", "pk"]

    @admin.display(description="Statement")
    def short_text(self, outcome):
        return outcome.text[:80]


class RatingInline(admin.TabularInline):
    model = PerformanceRating
    extra = 1
    fields = ["period_start", "period_end", "rating", "comment"]


@admin.register(KeyPerformanceIndicator)
class KpiAdmin(SimpleHistoryAdmin):
    """A KPI and its ratings per period (the contract performance notice's content)."""

    list_display = ["contract", "measure", "target"]
    list_select_related = ["contract", "measure"]
    search_fields = ["contract__reference", "contract__title", "measure__name", "target"]
    autocomplete_fields = ["contract", "measure"]
    inlines = [RatingInline]
