import csv

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from headway.lists import Shortlist, with_full_count
from headway.locking import Conflict
from headway.people import display_name
from headway.permissions import Action, allows
from headway.stored import CompiledQuery
from objectives.models import Team
from objectives.views import get_team_for_user
from objectives.views import team_context as objectives_team_context

from . import export
from .forms import (
    CommentForm,
    LogFilterForm,
    ObstacleForm,
    OwnerForm,
    StatusForm,
    UrgencyForm,
)
from .models import Obstacle

PAGE_SIZE = 25
# Open obstacles, and other teams' obstacles waiting on the team, shown on a team page: the
# obstacle log has the rest.
TEAM_PAGE_SHOWN = 10


def get_obstacle_for_user(request, pk, action=Action.READ):
    """The obstacle `pk` if the signed-in user may perform `action` on it; else 403.

    Its team's relations to the user are kept on it (`obstacle.relations`), with
    BLOCKING_MEMBER for the members and the leader of the team it names as blocking (they
    may comment: they are the ones who answer it).
    """
    obstacle = get_object_or_404(
        Obstacle.objects.select_related("team__leader", "blocking_team", "owner", "created_by"),
        pk=pk,
    )
    obstacle.relations = obstacle.relations_to(request.user)
    if not allows(obstacle.relations, action):
        raise PermissionDenied
    return obstacle


# The log


def filtered_obstacles(request):
    form = LogFilterForm(request.GET, user=request.user)
    obstacles = Obstacle.objects.select_related("team", "blocking_team", "owner")
    return form, form.filter(obstacles)


@vary_on_headers("HX-Request")
def obstacle_log(request):
    """Every obstacle, filtered from the query string; htmx gets just the results."""
    form, obstacles = filtered_obstacles(request)
    page = Paginator(obstacles, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "now": timezone.now()}
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "obstacles/log.html#results", context)
        # The address bar shows only the filters in use: a short URL to bookmark and share.
        return push_url(response, f"{request.path}{filters_in_use(request.GET)}")
    context["can_log_obstacle"] = may_log_obstacles(request.user)
    return render(request, "obstacles/log.html", context)


# An active team the person may change (Team.objects.changeable_by), if any: the log offers
# "Log an obstacle" only then. Compiled once per process (headway.stored): building and
# compiling its OR and subquery cost more than the rest of the log's header.
TEAM_CHANGEABLE_BY = CompiledQuery(
    lambda user: (
        Team.objects.active().changeable_by(get_user_model()(pk=user)).values_list("pk")[:1]
    )
)
ACTIVE_TEAM = CompiledQuery(lambda: Team.objects.active().values_list("pk")[:1])


def may_log_obstacles(user):
    """Whether `user` may log an obstacle for some active team."""
    if user.is_superuser:  # every team is theirs to change (changeable_by)
        return bool(ACTIVE_TEAM.rows())
    return bool(TEAM_CHANGEABLE_BY.rows(user=user.pk))


def filters_in_use(query):
    """The query string without its empty parameters ("" when none is left)."""
    used = query.copy()
    for name, values in query.lists():
        kept = [value for value in values if value]
        if kept:
            used.setlist(name, kept)
        else:
            del used[name]
    return f"?{used.urlencode()}" if used else ""


class Echo:
    """A file-like object whose write returns what it is given, for streaming CSV."""

    def write(self, value):
        return value


def obstacle_export(request):
    """The log's current filter as CSV, every page of it, streamed."""
    _form, obstacles = filtered_obstacles(request)
    obstacles = export.with_threats(obstacles)
    # Asked now, before the response starts: a database that cannot be reached answers the
    # 503 page rather than a file cut off after its header. (Not by starting the rows' own
    # query here: its server-side cursor would stay open until the response is read.)
    obstacles.exists()
    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in export.rows(obstacles)),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"obstacles-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Logging and editing


def safe_next(request):
    """The ?next= page to go back to: a path on this site, or "" for anything else."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


def refreshing(request):
    """True when the form is posted only to show the fields of another kind or team."""
    if request.htmx and request.htmx.target == "obstacle-form-fields":
        return True
    return "refresh" in request.POST


def form_response(request, context, status=200):
    template = "obstacles/obstacle_form.html"
    if request.htmx and refreshing(request):
        template += "#fields"
    return render(request, template, context, status=status)


@vary_on_headers("HX-Request")
def obstacle_create(request):
    teams = Team.objects.active().changeable_by(request.user)
    slug = request.GET.get("team")
    if slug:
        team = get_team_for_user(request, slug, Action.LOG_OBSTACLE)
    else:
        team = teams.with_pm(request.user).first() or teams.first()
        if team is None:
            raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    if data is not None and refreshing(request):
        form = ObstacleForm.refreshed(data, teams=teams, initial={"team": team})
    else:
        form = ObstacleForm(data, teams=teams, initial={"team": team})
    if data is not None and not refreshing(request) and form.is_valid():
        obstacle = form.log(by=request.user)
        if obstacle.is_urgent:
            messages.success(request, _("Obstacle logged, and the leader is told at once."))
        else:
            messages.success(request, _("Obstacle logged."))
        return redirect(safe_next(request) or obstacle.get_absolute_url())
    return form_response(request, {"form": form, "next": safe_next(request)})


@vary_on_headers("HX-Request")
def obstacle_edit(request, pk):
    obstacle = get_obstacle_for_user(request, pk, Action.CHANGE_OBSTACLE)
    data = request.POST if request.method == "POST" else None
    if data is not None and refreshing(request):
        form = ObstacleForm.refreshed(data, instance=obstacle)
    else:
        form = ObstacleForm(data, instance=obstacle)
    context = {"form": form, "obstacle": obstacle}
    if data is not None and not refreshing(request) and form.is_valid():
        try:
            form.save_edit(request.user)
        except Conflict as conflict:
            form.with_conflict(conflict.current)
            changes = conflict.current.changes_since(form.based_on).select_related("actor")
            return form_response(request, {**context, "changes": changes}, status=409)
        messages.success(request, _("Obstacle saved."))
        return redirect(obstacle)
    return form_response(request, context)


# The obstacle page and the actions taken on it


@vary_on_headers("HX-Request")
def obstacle_detail(request, pk):
    obstacle = get_obstacle_for_user(request, pk)
    return render_obstacle(request, obstacle)


def render_obstacle(request, obstacle, status=200, **context):
    relations = obstacle.relations
    can_change = allows(relations, Action.CHANGE_OBSTACLE)
    can_comment = allows(relations, Action.COMMENT_OBSTACLE)
    context = {
        "obstacle": obstacle,
        "events": obstacle.events.select_related("actor"),
        "objectives": obstacle.threatened_objectives.select_related("quarter", "team"),
        "can_change": can_change,
        "can_comment": can_comment,
        "today": timezone.localdate(),
        **context,
    }
    if can_change:
        context.setdefault("status_form", StatusForm(obstacle=obstacle))
        context.setdefault("owner_form", OwnerForm(obstacle=obstacle, user=request.user))
        context.setdefault("urgency_form", UrgencyForm(obstacle=obstacle))
    if can_comment:
        context.setdefault("comment_form", CommentForm())
    template = "obstacles/obstacle.html#body" if request.htmx else "obstacles/obstacle.html"
    return render(request, template, context, status=status)


def done(request, pk, message):
    """After an action: the fresh obstacle in place for htmx, else back to its page (or to
    a safe ?next=, for actions taken from another page such as the dashboard)."""
    if request.htmx:
        obstacle = get_obstacle_for_user(request, pk)
        return render_obstacle(request, obstacle, saved=message)
    messages.success(request, message)
    return redirect(safe_next(request) or reverse("obstacles:obstacle", args=[pk]))


def conflicted(request, pk, conflict, form, name):
    """The answer to a Conflict: the obstacle as it stands, what changed since the user's
    copy, and their input kept in the form `name`."""
    obstacle = get_obstacle_for_user(request, pk)
    form.with_conflict(conflict.current)
    changes = obstacle.changes_since(form.based_on).select_related("actor")
    context = {name: form, "conflicted": form, "changes": changes}
    return render_obstacle(request, obstacle, status=409, **context)


@require_POST
@vary_on_headers("HX-Request")
def obstacle_status(request, pk):
    obstacle = get_obstacle_for_user(request, pk, Action.CHANGE_OBSTACLE)
    form = StatusForm(request.POST, obstacle=obstacle)
    if form.is_valid():
        data = form.cleaned_data
        try:
            obstacle.change_status(request.user, data["status"], data["resolution"], form.based_on)
        except Conflict as conflict:
            return conflicted(request, pk, conflict, form, "status_form")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return done(request, pk, _("Status changed to %s.") % obstacle.get_status_display())
    return render_obstacle(request, obstacle, status=422, status_form=form)


@require_POST
@vary_on_headers("HX-Request")
def obstacle_owner(request, pk):
    obstacle = get_obstacle_for_user(request, pk, Action.CHANGE_OBSTACLE)
    data = request.POST.copy()
    if "take" in data:
        data["owner"] = request.user.pk
    form = OwnerForm(data, obstacle=obstacle, user=request.user)
    if form.is_valid():
        owner = form.cleaned_data["owner"]
        try:
            obstacle.assign(request.user, owner, form.based_on)
        except Conflict as conflict:
            return conflicted(request, pk, conflict, form, "owner_form")
        name = display_name(owner) if owner else _("nobody")
        return done(request, pk, _("Owner: %s.") % name)
    return render_obstacle(request, obstacle, status=422, owner_form=form)


@require_POST
@vary_on_headers("HX-Request")
def obstacle_urgency(request, pk):
    obstacle = get_obstacle_for_user(request, pk, Action.CHANGE_OBSTACLE)
    form = UrgencyForm(request.POST, obstacle=obstacle)
    if not form.is_valid():
        return render_obstacle(request, obstacle, status=422, urgency_form=form)
    urgent = form.cleaned_data["is_urgent"]
    try:
        obstacle.set_urgent(request.user, urgent, form.based_on)
    except Conflict as conflict:
        return conflicted(request, pk, conflict, form, "urgency_form")
    if urgent:
        return done(request, pk, _("Marked urgent: the team's leader is told now."))
    return done(request, pk, _("No longer urgent."))


@require_POST
@vary_on_headers("HX-Request")
def obstacle_comment(request, pk):
    obstacle = get_obstacle_for_user(request, pk, Action.COMMENT_OBSTACLE)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            obstacle.comment(request.user, form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return done(request, pk, _("Comment added."))
    return render_obstacle(request, obstacle, status=422, comment_form=form)


# The team page, with its obstacles


# The team page's obstacles, each query compiled once per process (headway.stored): those
# threatening the team's objectives in a quarter (each with the objective it threatens), the
# team's own, and other teams' waiting on it (the first TEAM_PAGE_SHOWN, with their count).
THREATS = CompiledQuery(
    lambda team, quarter: (
        Obstacle.objects.active()
        .filter(threatened_objectives__team=team, threatened_objectives__quarter=quarter)
        .annotate(threatened=F("threatened_objectives"))
        .select_related("owner", "blocking_team")
    )
)
TEAM_OBSTACLES = CompiledQuery(
    lambda team: with_full_count(
        Obstacle.objects.active().filter(team=team).select_related("owner", "blocking_team")
    )[:TEAM_PAGE_SHOWN]
)
BLOCKED_BY_TEAM = CompiledQuery(
    lambda team: with_full_count(
        Obstacle.objects.active().blocked_by(team).select_related("owner", "blocking_team", "team")
    )[:TEAM_PAGE_SHOWN]
)


def team_context(request, team):
    """The team page of objectives, plus the team's open obstacles and "blocked by us":
    other teams' open obstacles waiting on this one."""
    context = objectives_team_context(request, team)
    if context.get("objectives"):
        # Each objective's card names the obstacles threatening it (the link read backwards).
        threats = {}
        for obstacle in THREATS(team=team.pk, quarter=context["quarter"].pk):
            threats.setdefault(obstacle.threatened, []).append(obstacle)
        for objective in context["objectives"]:
            objective.threatening_obstacles = threats.get(objective.pk, [])
    context["open_obstacles"] = Shortlist.of(TEAM_OBSTACLES(team=team.pk))
    for obstacle in context["open_obstacles"]:
        obstacle.team = team
    # The most pressing of the waits, then grouped by the team that waits (a stable sort).
    blocked_by_us = Shortlist.of(BLOCKED_BY_TEAM(team=team.pk))
    blocked_by_us.rows.sort(key=lambda obstacle: obstacle.team.name)
    context["blocked_by_us"] = blocked_by_us
    context["can_log_obstacle"] = allows(team.relations, Action.LOG_OBSTACLE)
    return context
