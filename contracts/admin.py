from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from simple_history.admin import SimpleHistoryAdmin

from commissioning.archiving import ArchivingAdminMixin
from commissioning.formats import format_date, format_money
from commissioning.locking import VersionCheckedAdminMixin
from outcomes.models import KeyPerformanceIndicator, Outcome

from .models import (
    ENDING_SOON_BANDS,
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
    OptionStatus,
    RenewalDecision,
    SentAlert,
    Status,
)
from .workbook.views import import_urls as workbook_import_urls


@admin.register(CommissioningBody)
class CommissioningBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(FundingStream)
class FundingStreamAdmin(admin.ModelAdmin):
    list_display = ["name", "provided_by"]
    search_fields = ["name"]
    list_select_related = ["provided_by"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class PartnerInline(admin.TabularInline):
    model = ContractPartner
    extra = 0
    autocomplete_fields = ["provider"]


class ValueInline(admin.TabularInline):
    model = ContractValue
    extra = 0
    fields = ["start_date", "end_date", "amount", "funding_stream", "payer", "note"]
    autocomplete_fields = ["funding_stream", "payer"]


class OptionInline(admin.TabularInline):
    model = ExtensionOption
    extra = 0
    fields = ["start_date", "end_date", "amount", "status", "decision_due", "note"]


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0
    autocomplete_fields = ["measure"]
    fields = [
        ("kind", "measure", "order", "is_published"),
        "text",
        ("value", "unit", "numerator", "denominator"),
        ("cohort", "period_label", "period_start", "period_end"),
        ("source", "attribution", "consent"),
    ]


class KpiInline(admin.TabularInline):
    """KPIs here; their ratings per period are edited on the KPI's own page."""

    model = KeyPerformanceIndicator
    extra = 0
    autocomplete_fields = ["measure"]
    fields = ["measure", "target", "order"]
    show_change_link = True


class ChangeInline(admin.StackedInline):
    model = ContractChange
    extra = 0
    fields = [
        ("made_on", "ground", "decision_reference"),
        "description",
        ("value_before", "value_after"),
        ("end_before", "end_after"),
    ]


class NoticeInline(admin.TabularInline):
    """Recording a published notice clears its duty on the publication report."""

    model = Notice
    extra = 0
    fields = ["notice_type", "notice_id", "url", "published_on", "change"]


class EndingSoonFilter(admin.SimpleListFilter):
    title = "ending"
    parameter_name = "ending"

    def lookups(self, request, model_admin):
        return [(str(months), f"within {months} months") for months in ENDING_SOON_BANDS]

    def queryset(self, request, queryset):
        if self.value() in {str(months) for months in ENDING_SOON_BANDS}:
            return queryset.ending_within(int(self.value()))
        return queryset


class FundingStreamFilter(admin.SimpleListFilter):
    title = "funding stream"
    parameter_name = "funding_stream"

    def lookups(self, request, model_admin):
        return [(str(stream.pk), stream.name) for stream in FundingStream.objects.all()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.funded_by(int(self.value()))
        return queryset


class CurrentStatusFilter(admin.SimpleListFilter):
    """Status as the register pages show it: a live contract past its end date is ended."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.filter(current_status=self.value())
        return queryset


class CommissionerFilter(admin.SimpleListFilter):
    title = "commissioner"
    parameter_name = "commissioner"

    def lookups(self, request, model_admin):
        return [(str(body.pk), body.name) for body in CommissioningBody.objects.all()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.of_body(int(self.value()))
        return queryset


@admin.register(Contract)
class ContractAdmin(VersionCheckedAdminMixin, ArchivingAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "reference",
        "title",
        "category",
        "lead_provider",
        "status_today",
        "end_date",
        "ending",
        "total",
    ]
    list_filter = [
        "category",
        CurrentStatusFilter,
        CommissionerFilter,
        FundingStreamFilter,
        EndingSoonFilter,
        "agreement_type",
    ]
    search_fields = [
        "reference",
        "title",
        "description",
        "lead_provider__name",
        "partners__provider__name",
    ]
    list_select_related = ["category", "lead_provider"]
    autocomplete_fields = ["lead_provider", "lead_commissioner", "parent", "category", "owner"]
    filter_horizontal = ["cohorts", "co_commissioners"]
    readonly_fields = ["outcomes_by_heading", "created_at", "updated_at", "archived_at"]
    inlines = [
        PartnerInline,
        ValueInline,
        OptionInline,
        OutcomeInline,
        KpiInline,
        ChangeInline,
        NoticeInline,
    ]
    actions = ["exercise_next_option", "archive_selected", "restore_selected"]
    fieldsets = [
        (None, {"fields": ["reference", "title", "category", "cohorts", "description"]}),
        (
            "Agreement",
            {
                "fields": [
                    "agreement_type",
                    "procurement_route",
                    "status",
                    "status_note",
                    ("start_date", "end_date"),
                    "value_note",
                    "parent",
                    "decision_reference",
                    "owner",
                    "contract_manager",
                    "notice_months",
                ]
            },
        ),
        ("Providers", {"fields": ["lead_provider", "lead_provider_area"]}),
        ("Commissioners", {"fields": ["lead_commissioner", "co_commissioners"]}),
        ("Outcomes as the page and PDFs show them", {"fields": ["outcomes_by_heading"]}),
        (
            "Publication",
            {
                "description": "Published on the transparency page and in the open data.",
                "fields": [
                    ("is_published", "published_from"),
                    "purpose",
                    "published_copy_url",
                    ("copy_redacted", "redaction_reason"),
                    "tender_url",
                    ("irrecoverable_vat", "irrecoverable_vat_amount"),
                    "grant_conditions",
                    "crime_reduction_reason",
                ],
            },
        ),
        (
            "Procurement Act 2023",
            {
                "fields": [
                    ("under_procurement_act", "threshold", "light_touch"),
                    ("procurement_identifier", "contract_identifier"),
                ]
            },
        ),
        (
            "Ending",
            {
                "classes": ["collapse"],
                "fields": [
                    ("ending_reason", "ended_on"),
                    "ending_note",
                    "breach",
                    "damages_or_settlement",
                ],
            },
        ),
        (
            "Internal (never published)",
            {"fields": ["internal_notes", "archived_at", "created_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_totals().with_status()

    def get_urls(self):
        # The workbook import pages (upload, preview, confirm, template) sit under this admin.
        return workbook_import_urls(self) + super().get_urls()

    @admin.display(description="Status", ordering="current_status")
    def status_today(self, contract):
        return contract.current_status_label

    @admin.display(description="Ending soon", ordering="end_date")
    def ending(self, contract):
        return contract.ends_in_words()

    @admin.display(description="Outcomes by heading")
    def outcomes_by_heading(self, contract):
        sections = contract.outcome_sections() if contract.pk else []
        return "; ".join(f"{section.heading}: {len(section.outcomes)}" for section in sections)

    @admin.display(description="Total value", ordering="total_amount")
    def total(self, contract):
        return format_money(contract.total_value)

    @admin.action(description="Exercise the next available extension option")
    def exercise_next_option(self, request, queryset):
        for contract in queryset:
            option = (
                contract.options.filter(status=OptionStatus.AVAILABLE)
                .order_by("start_date")
                .first()
            )
            if option is None:
                self.message_user(
                    request,
                    f"{contract.reference}: no extension option is available.",
                    messages.WARNING,
                )
                continue
            try:
                option.exercise()
            except ValidationError as error:
                self.message_user(
                    request, f"{contract.reference}: {error.messages[0]}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    f"{contract.reference}: option for {option.period_label} exercised; "
                    f"the contract now ends on {format_date(option.end_date)}.",
                    messages.SUCCESS,
                )


@admin.register(ExtensionOption)
class ExtensionOptionAdmin(VersionCheckedAdminMixin, SimpleHistoryAdmin):
    list_display = ["contract", "period_label", "money", "status", "decision_due"]
    list_filter = ["status"]
    search_fields = ["contract__reference", "contract__title"]
    list_select_related = ["contract"]
    autocomplete_fields = ["contract"]
    actions = ["exercise"]
    # Grouped by the contract's key, not its register order: the model's ordering ("contract")
    # sorts every row by its contract's category and reference, a join and a sort of the
    # whole table on every changelist (bench/results.md, h16l); this walks the contract index.
    ordering = ["contract_id", "start_date", "pk"]

    @admin.display(description="Amount", ordering="amount")
    def money(self, option):
        return format_money(option.amount)

    @admin.action(description="Exercise the selected options")
    def exercise(self, request, queryset):
        for option in queryset:
            try:
                option.exercise()
            except ValidationError as error:
                self.message_user(request, f"{option}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"{option.contract.reference}: {option} exercised.")


@admin.register(ContractValue)
class ContractValueAdmin(VersionCheckedAdminMixin, SimpleHistoryAdmin):
    list_display = ["contract", "period_label", "money", "funding_stream", "payer"]
    list_filter = ["funding_stream", "payer"]
    search_fields = ["contract__reference", "contract__title"]
    list_select_related = ["contract", "funding_stream", "payer"]
    autocomplete_fields = ["contract", "funding_stream", "payer"]
    # As ExtensionOptionAdmin: grouped by the contract's key, walking the contract index.
    ordering = ["contract_id", "start_date", "pk"]

    @admin.display(description="Amount", ordering="amount")
    def money(self, value):
        return format_money(value.amount)


@admin.register(RenewalDecision)
class RenewalDecisionAdmin(VersionCheckedAdminMixin, SimpleHistoryAdmin):
    """Decisions on contract ends and options, as the contract page's form records them: an
    outcome on an option settles it in the same transaction (``RenewalDecision.record()``)."""

    list_display = ["contract", "subject", "owner", "due_date", "outcome", "decided_on"]
    list_filter = ["outcome"]
    search_fields = ["contract__reference", "contract__title", "reference"]
    list_select_related = ["contract", "option", "owner"]
    autocomplete_fields = ["contract", "option", "owner"]
    fieldsets = [
        (
            None,
            {
                "description": "A decision is on the contract's end (give the end date it "
                "decides about) or on one of its extension options, not both.",
                "fields": ["contract", "option", "end_date"],
            },
        ),
        (
            "Decision",
            {"fields": ["owner", "due_date", "outcome", "decided_on", "reference", "note"]},
        ),
    ]

    @admin.display(description="Decision on")
    def subject(self, decision):
        if decision.option_id:
            return f"Extension option {decision.option.period_label}"
        return f"End of contract ({format_date(decision.end_date)})"

    def save_model(self, request, obj, form, change):
        request.decision_refused = False
        try:
            with transaction.atomic():
                obj.record()
                # A new version of the contract too, as the contract page's form makes, so
                # a decision form opened there before this save is refused.
                contract = Contract.objects.get(pk=obj.contract_id)
                contract.save(update_fields=["version", "updated_at"])
        except ValidationError as error:
            # Refused by exercise() (a contract no longer running, an option no longer
            # available): nothing was saved. Say why, and show the form again.
            request.decision_refused = True
            self.message_user(request, f"Not saved: {'; '.join(error.messages)}", messages.ERROR)

    def save_related(self, request, form, formsets, change):
        if not getattr(request, "decision_refused", False):
            super().save_related(request, form, formsets, change)

    def log_addition(self, request, obj, message):
        if not getattr(request, "decision_refused", False):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not getattr(request, "decision_refused", False):
            return super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "decision_refused", False):
            return redirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "decision_refused", False):
            return redirect(request.path)
        return super().response_change(request, obj)


@admin.register(SentAlert)
class SentAlertAdmin(admin.ModelAdmin):
    """The record of alerts sent: what stops a second run sending the same alert. Read only:
    a row edited or removed here would let it be sent again, or hide that it was sent."""

    list_display = ["subject", "due_date", "lead_months", "sent_on", "recipients"]
    list_filter = ["lead_months", "sent_on"]
    search_fields = ["subject", "recipients"]
    date_hierarchy = "sent_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
