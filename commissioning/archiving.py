"""Archive, never delete: contracts and providers leave the register but keep their history.

Only a superuser may delete one outright (e.g. a row created by mistake a
minute ago); everyone else archives. Archived rows drop out of the register
pages (``.current()``), stay in admin, in their history, and in exports that
ask for them.
"""

from django.contrib import admin, messages


class ArchivedFilter(admin.SimpleListFilter):
    title = "archived"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", "In the register"), ("yes", "Archived")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.current()
        if self.value() == "yes":
            return queryset.archived()
        return queryset


class ArchivingAdminMixin:
    """Admin actions "Archive" and "Restore"; deleting is for superusers only."""

    actions = ["archive_selected", "restore_selected"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ArchivedFilter]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    @admin.action(description="Archive the selected rows", permissions=["change"])
    def archive_selected(self, request, queryset):
        # One save per row, never queryset.update(): each archive is recorded in the history.
        archived = list(queryset.current())
        for row in archived:
            row.archive()
        self.message_user(
            request,
            f"Archived {len(archived)}: they no longer appear on the register pages.",
            messages.SUCCESS,
        )

    @admin.action(description="Restore the selected rows to the register", permissions=["change"])
    def restore_selected(self, request, queryset):
        restored = list(queryset.archived())
        for row in restored:
            row.restore()
        self.message_user(request, f"Restored {len(restored)} to the register.", messages.SUCCESS)
