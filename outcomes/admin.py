from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Measure, Outcome


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "family"]
    list_filter = ["family"]
    search_fields = ["name", "description"]


@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["short_text", "contract", "kind", "measure", "value", "unit", "cohort"]
    list_filter = ["kind", "measure", "unit", "contract__category"]
    search_fields = ["text", "contract__reference", "contract__title", "cohort", "source"]
    list_select_related = ["contract", "measure"]
    autocomplete_fields = ["contract", "measure"]

    @admin.display(description="Statement")
    def short_text(self, outcome):
        return outcome.text[:80]
