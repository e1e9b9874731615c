"""1:1s in the administration: who meets whom, for which team, and when; never what they said.

A 1:1 is its leader's and its PM's alone, the private notes the leader's alone: no admin page,
column, search, filter or history entry shows notes, talking points or action items (their
__str__ does not name them either). What an admin does, on request, is move a whole series to
another team or delete it, without reading it. Someone taking one side's place is a handover
(the people app), which leaves the 1:1s already held to the two who held them.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .forms import MoveSeriesForm
from .models import Learning, OneOnOne

SERIES_FIELDS = ["leader", "pm", "team", "scheduled_for", "held_at", "created_at"]


def describe_series(one_on_ones):
    """One line per series among `one_on_ones`' pairs: who, which team, how many 1:1s, and
    how much was written in them (counted, never shown)."""
    rows = (
        OneOnOne.objects.of_series(one_on_ones.pairs())
        .values("leader_id", "pm_id", "team_id")
        .annotate(
            meetings=Count("pk", distinct=True),
            talking_points=Count("talking_points", distinct=True),
            action_items=Count("action_items", distinct=True),
        )
        .order_by("team_id", "leader_id", "pm_id")
    )
    series = []
    for row in rows:
        sample = (
            OneOnOne.objects.of_pair(row["leader_id"], row["pm_id"], row["team_id"])
            .select_related("leader", "pm", "team")
            .first()
        )
        series.append({"one_on_one": sample, **row})
    return series


@admin.register(OneOnOne)
class OneOnOneAdmin(admin.ModelAdmin):
    """Read-only 1:1s, and two actions on whole series: reassign them, delete them."""

    list_display = ["leader", "pm", "team", "scheduled_for", "held_at"]
    list_filter = ["team", "leader", "pm"]
    list_select_related = ["leader", "pm", "team"]
    # People and teams only: nothing the pair wrote is searched.
    search_fields = [
        "leader__username",
        "leader__first_name",
        "leader__last_name",
        "pm__username",
        "pm__first_name",
        "pm__last_name",
        "team__name",
    ]
    date_hierarchy = "scheduled_for"
    fields = SERIES_FIELDS
    readonly_fields = SERIES_FIELDS
    # Its page in Headway would answer an admin with a 404: it is the pair's.
    view_on_site = False
    actions = ["move_series", "delete_series", "delete_selected"]

    def has_add_permission(self, request):
        # Either side of a pair starts a series in Headway; an admin has no 1:1 to start.
        return False

    def has_change_permission(self, request, obj=None):
        # The list's actions need it; a single 1:1 has nothing an admin should edit.
        return obj is None and super().has_change_permission(request)

    def get_deleted_objects(self, objs, request):
        """What a deletion removes, counted by kind: Django would list each talking point
        and action item by name."""
        _names, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        return [str(obj) for obj in objs], model_count, perms_needed, protected

    @admin.action(
        description=gettext_lazy("Move the series of the selected 1:1 to another team"),
        permissions=["change"],
    )
    def move_series(self, request, queryset):
        pairs = queryset.pairs()
        if len(pairs) != 1:
            self.message_user(
                request,
                _("Select 1:1s of one series: a series is moved on its own."),
                messages.ERROR,
            )
            return None
        (pair,) = pairs
        series = describe_series(queryset)[0]
        sample = series["one_on_one"]
        posted = request.POST if "apply" in request.POST else None
        form = MoveSeriesForm(posted, initial={"team": sample.team})
        if form.is_valid():
            team = form.cleaned_data["team"]
            try:
                moved = OneOnOne.move_series(pair, team)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                message = f"Series moved from {sample.team} to {team}"
                for one_on_one in OneOnOne.objects.of_series([(pair[0], pair[1], team.pk)]):
                    self.log_change(request, one_on_one, message)
                self.message_user(
                    request,
                    ngettext("%(count)d 1:1 moved.", "%(count)d 1:1s moved.", moved)
                    % {"count": moved},
                )
                return None
        return self.series_page(
            request,
            "admin/coaching/oneonone/move_series.html",
            _("Move a 1:1 series to another team"),
            queryset,
            [series],
            form=form,
        )

    @admin.action(
        description=gettext_lazy("Delete the whole series of the selected 1:1s"),
        permissions=["delete"],
    )
    def delete_series(self, request, queryset):
        series = describe_series(queryset)
        if "apply" in request.POST:
            doomed = OneOnOne.objects.of_series(queryset.pairs())
            count = doomed.count()
            self.log_deletions(request, doomed)
            doomed.delete()
            self.message_user(
                request,
                ngettext("%(count)d 1:1 deleted.", "%(count)d 1:1s deleted.", count)
                % {"count": count},
            )
            return None
        return self.series_page(
            request,
            "admin/coaching/oneonone/delete_series.html",
            _("Delete 1:1 series"),
            queryset,
            series,
        )

    def series_page(self, request, template, title, queryset, series, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "series": series,
                "selected": queryset.values_list("pk", flat=True),
                "action": request.POST.get("action"),
                **context,
            },
        )


@admin.register(Learning)
class LearningAdmin(admin.ModelAdmin):
    list_display = ["title", "source_team", "for_everyone", "created_at"]
    list_filter = ["for_everyone", "source_team"]
    list_select_related = ["source_team"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["source_team", "teams", "author"]
    raw_id_fields = ["one_on_one"]
