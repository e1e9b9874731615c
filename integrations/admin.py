from django.contrib import admin

from .models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who has a calendar address and when a calendar last read it; never the address."""

    list_display = ["user", "created_at", "last_fetched_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    fields = readonly_fields = ["user", "created_at", "last_fetched_at"]

    def has_add_permission(self, request):
        return False
