from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from commissioning.archiving import ArchivingAdminMixin
from commissioning.locking import VersionCheckedAdminMixin

from .models import Provider


@admin.register(Provider)
class ProviderAdmin(VersionCheckedAdminMixin, ArchivingAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "charity_number", "company_number", "org_id", "is_archived"]
    list_filter = ["kind", "is_sme", "is_vcse"]
    search_fields = ["name", "charity_number", "company_number", "ppon_identifier"]
    readonly_fields = ["org_id", "archived_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "kind"]}),
        (
            "Registration",
            {"fields": ["charity_number", "company_number", "ppon_identifier", "org_id"]},
        ),
        (
            "Supplier status (for Procurement Act notices)",
            {
                "fields": [
                    ("is_sme", "is_vcse"),
                    ("is_supported_employment", "is_public_service_mutual"),
                ]
            },
        ),
        ("Contact", {"fields": ["website", "phone", "email", "address"]}),
        ("Internal", {"fields": ["notes", "archived_at", "created_at", "updated_at"]}),
    ]

    @admin.display(boolean=True, description="Archived")
    def is_archived(self, provider):
        return provider.is_archived
