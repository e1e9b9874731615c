from django.contrib import admin

from .models import ActionItem, Learning, OneOnOne, TalkingPoint


class TalkingPointInline(admin.TabularInline):
    model = TalkingPoint
    extra = 0
    autocomplete_fields = ["author"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    autocomplete_fields = ["owner"]
    raw_id_fields = ["obstacle"]


@admin.register(OneOnOne)
class OneOnOneAdmin(admin.ModelAdmin):
    """1:1s are private to their pair in the app; admins reach them only here."""

    list_display = ["leader", "pm", "team", "scheduled_for", "held_at"]
    list_filter = ["team", "leader"]
    list_select_related = ["leader", "pm", "team"]
    search_fields = ["leader__username", "pm__username", "team__name"]
    autocomplete_fields = ["leader", "pm", "team"]
    date_hierarchy = "scheduled_for"
    inlines = [TalkingPointInline, ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["text", "owner", "due_date", "done_at"]
    list_filter = ["done_at"]
    list_select_related = ["owner"]
    search_fields = ["text"]
    autocomplete_fields = ["owner"]
    raw_id_fields = ["one_on_one", "obstacle"]


@admin.register(Learning)
class LearningAdmin(admin.ModelAdmin):
    list_display = ["title", "source_team", "for_everyone", "created_at"]
    list_filter = ["for_everyone", "source_team"]
    list_select_related = ["source_team"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["source_team", "teams", "author"]
    raw_id_fields = ["one_on_one"]
