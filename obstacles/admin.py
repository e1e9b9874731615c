from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from objectives.models import Objective

from .models import Obstacle, ObstacleEvent


class ActiveFilter(admin.SimpleListFilter):
    title = _("open or closed")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Open or in progress")), ("no", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.active()
        if self.value() == "no":
            return queryset.closed()
        return queryset


class ObstacleEventInline(admin.TabularInline):
    model = ObstacleEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "from_value", "to_value", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Obstacle)
class ObstacleAdmin(admin.ModelAdmin):
    """For repairs: people change obstacles on their pages, where every change is recorded
    on the timeline."""

    list_display = [
        "title",
        "team",
        "kind",
        "status",
        "severity",
        "is_urgent",
        "blocking_team",
        "owner",
        "opened_at",
        "last_activity_at",
    ]
    list_filter = [
        ActiveFilter,
        "status",
        "kind",
        "is_urgent",
        "severity",
        "help_wanted",
        ("team", admin.RelatedOnlyFieldListFilter),
        ("blocking_team", admin.RelatedOnlyFieldListFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
        "opened_at",
    ]
    search_fields = ["title", "description", "resolution", "team__name", "blocking_team__name"]
    list_select_related = ["team", "blocking_team", "owner"]
    raw_id_fields = ["owner", "created_by"]
    filter_horizontal = ["threatened_objectives"]
    date_hierarchy = "opened_at"
    readonly_fields = ["version", "last_activity_at"]
    inlines = [ObstacleEventInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "threatened_objectives":
            # Each objective is named with its quarter (Objective.__str__): read them together.
            kwargs["queryset"] = Objective.objects.select_related("quarter").order_by(
                "quarter__start", "title"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
