from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    CheckIn,
    KeyResult,
    Membership,
    Objective,
    Problem,
    Quarter,
    QuarterClosing,
    Team,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "leader", "is_platform", "archived"]
    list_filter = ["is_platform", "archived", "leader"]
    list_select_related = ["leader"]
    search_fields = ["name", "slug", "mission"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["leader"]
    inlines = [MembershipInline]
    actions = ["archive", "unarchive"]

    @admin.action(description=_("Archive the selected teams"))
    def archive(self, request, queryset):
        queryset.update(archived=True)

    @admin.action(description=_("Bring back the selected teams"))
    def unarchive(self, request, queryset):
        queryset.update(archived=False)

    def has_delete_permission(self, request, obj=None):
        # Teams are archived, not deleted: their history must stay readable.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role", "team"]
    list_select_related = ["user", "team"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team__name"]
    autocomplete_fields = ["user", "team"]


@admin.register(Quarter)
class QuarterAdmin(admin.ModelAdmin):
    list_display = ["label", "start", "end"]
    search_fields = ["label"]
    date_hierarchy = "start"


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "quarter", "status", "serves", "owner"]
    list_filter = ["quarter", "status", "serves", "team"]
    list_select_related = ["team", "quarter", "serves", "owner"]
    search_fields = ["title", "problem", "quarter__label"]
    autocomplete_fields = ["team", "owner", "serves", "carried_from"]
    inlines = [KeyResultInline]

    def get_queryset(self, request):
        # Named with their quarter (Objective.__str__), as the autocomplete lists them.
        return super().get_queryset(request).select_related("quarter")


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["key_result", "value", "confidence", "author", "created_at"]
    list_filter = ["confidence"]
    list_select_related = ["key_result", "author"]
    search_fields = ["key_result__description", "comment"]
    raw_id_fields = ["key_result"]
    autocomplete_fields = ["author"]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "first_quarter", "last_quarter"]
    list_filter = ["first_quarter", "last_quarter", "owner"]
    list_select_related = ["owner", "first_quarter", "last_quarter"]
    search_fields = ["title", "why_it_matters"]
    autocomplete_fields = ["owner"]


@admin.register(QuarterClosing)
class QuarterClosingAdmin(admin.ModelAdmin):
    """Closings are made and reopened on the team's closing page (grades and carry-over in
    one step): the administration lists them, as history."""

    list_display = ["team", "quarter", "closed_by", "closed_at", "reopened_by", "reopened_at"]
    list_filter = ["quarter", "team"]
    list_select_related = ["team", "quarter", "closed_by", "reopened_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
