from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AccessToken


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    """Tokens as their owners see them, never the token itself (only its hash is kept): an
    admin may revoke one, say for a person who left, but not make one in someone's name."""

    list_display = [
        "name",
        "user",
        "scope",
        "shown",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "user__first_name", "user__last_name", "shown"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "name",
        "scope",
        "shown",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            token.revoke()
