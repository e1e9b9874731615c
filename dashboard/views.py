"""The homes: a leader's dashboard, a team member's home, and each team's page.

These pages compose every app below (objectives, obstacles, coaching), so they live here, at
the top, and read each app through its queryset API and its context builders.
"""

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from coaching.models import latest_shared_with
from headway.lists import page_of, shortlist
from headway.permissions import Action, allows
from objectives.models import (
    FOCUSED_PROBLEMS,
    Problem,
    Quarter,
    Team,
    relations_to_organization,
)
from objectives.views import get_team_for_user, selected_quarter
from obstacles.views import team_context

from . import figures, review, trends


@vary_on_headers("HX-Request")
def home(request):
    """A leader's dashboard (or an administrator's); for anyone else, their team's home.

    ?quarter=<label> picks the quarter, ?scope=all widens a leader's view to every team,
    ?sort= orders the rows. htmx refreshes "Needs you" alone, from the same view.
    """
    leads = Team.objects.active().led_by(request.user).exists()
    if not (leads or request.user.is_superuser):
        if request.GET.get("scope") == figures.Scope.ALL:
            raise PermissionDenied
        return team_home(request)
    context = dashboard_context(request, leads)
    if request.htmx and request.htmx.target == "needs-you":
        return render(request, "dashboard/home.html#needs_you", context)
    context.update(dashboard_panels(request, context))
    return render(request, "dashboard/home.html", context)


def dashboard_context(request, leads):
    """What both the page and its refreshed "Needs you" panel show."""
    wide = request.GET.get("scope") == figures.Scope.ALL or not leads
    sort = request.GET.get("sort")
    today = timezone.localdate()
    return {
        "scope": figures.Scope.ALL if wide else figures.Scope.MINE,
        "leads_teams": leads,
        "sort": sort if sort in figures.SORTS else figures.DEFAULT_SORT,
        "today": today,
        "needing_you": figures.asking(request.user, today),
        "overdue_action_items": figures.overdue(request.user, today),
        "waiting_on_yours": figures.waiting_on(request.user, today),
        # Where a one-click action on "Needs you" brings the leader back to.
        "dashboard_url": request.get_full_path(),
    }


def dashboard_panels(request, context):
    """The rest of the full page: team rows in the picked quarter, bottlenecks and the
    waiting graph."""
    quarters = list(Quarter.objects.order_by("start"))
    quarter = selected_quarter(request, quarters)
    rows = None
    if quarter is not None:
        rows = figures.page_of_team_rows(
            request.user,
            context["scope"],
            quarter,
            timezone.now(),
            context["today"],
            context["sort"],
            request.GET.get("page"),
        )
    return {
        "quarter": quarter,
        "quarters": quarters,
        "rows": rows,
        "bottlenecks": figures.bottlenecks(),
        "learnings": figures.latest_learnings_of(request.user, context["scope"]),
        "waiting_graph": figures.waiting_graph(figures.heaviest_waits()),
    }


def team_home(request):
    """A team member's home: their team's pace, its open obstacles, their next 1:1 and
    the learnings shared with the team."""
    teams = Team.objects.active().with_member(request.user)
    quarters = list(Quarter.objects.order_by("start"))
    quarter = selected_quarter(request, quarters)
    today = timezone.localdate()
    context = {
        "team_view": True,
        # The teams whose obstacles the user may log (the matrix: their PM).
        "pm_of": set(teams.with_pm(request.user).values_list("pk", flat=True)),
        "quarter": quarter,
        "today": today,
        "quarters": quarters,
        "rows": None,
    }
    if quarter is not None:
        rows = figures.team_homes(request.user, teams, quarter, timezone.now(), today)
        context["rows"] = figures.with_learnings(rows)
        context["owned_key_results"] = figures.key_results_owned_by(request.user, quarter)
    return render(request, "dashboard/home.html", context)


# The latest learnings a team's page shows.
TEAM_PAGE_LEARNINGS = 10


def team_page(request, slug):
    """A team's page: its objectives and check-ins (objectives), its open obstacles and
    those it holds up (obstacles), and the learnings shared with it (coaching)."""
    team = get_team_for_user(request, slug)
    context = team_context(request, team)
    # Its own people reach the team's review from here; leaders and admins, from the dashboard.
    context["can_read_review"] = allows(team.relations, Action.READ_REVIEW)
    context["learnings"] = latest_shared_with(team, TEAM_PAGE_LEARNINGS)
    return render(request, "dashboard/team.html", context)


def problems_context(request):
    """What both problem pages show around their figures: the quarter, the picker and
    whether the viewer may change the list."""
    relations = relations_to_organization(request.user)
    return {
        "quarter": selected_quarter(request),
        "quarters": Quarter.objects.order_by("start"),
        "today": timezone.localdate(),
        "can_manage": allows(relations, Action.MANAGE_PROBLEMS),
        # The dashboard's "By team" and "By problem" switch, for those whose home it is.
        "has_dashboard": request.user.is_superuser
        or Team.objects.active().led_by(request.user).exists(),
    }


def problems(request):
    """The "by problem" view: for each of the organization's problems in the quarter, the
    teams and objectives serving it, their combined progress against pace, the open
    obstacles threatening them and the teams those wait on; then the objectives serving none.
    """
    context = problems_context(request)
    quarter = context["quarter"]
    if quarter is not None:
        today = context["today"]
        rows = list(figures.problem_rows(quarter, today))
        context.update(
            rows=rows,
            waits=figures.problem_waits([row.pk for row in rows], quarter),
            alignment=figures.alignment(quarter),
            unaligned=shortlist(
                figures.objectives_in(quarter, today).filter(serves__isnull=True),
                figures.UNALIGNED_SHOWN,
            ),
            focused_problems=FOCUSED_PROBLEMS,
        )
        for row in rows:
            row.waits = context["waits"].get(row.pk, [])
    return render(request, "dashboard/problems.html", context)


def problem_detail(request, pk=None):
    """One problem in a quarter: every objective serving it (or, without `pk`, every
    objective serving none), and the open obstacles threatening them."""
    context = problems_context(request)
    quarter, today = context["quarter"], context["today"]
    problem = None
    if pk is not None:
        problems = Problem.objects.select_related("owner", "first_quarter", "last_quarter")
        if quarter is not None:
            problems = figures.problems_with_standing(quarter, today)
        problem = get_object_or_404(problems, pk=pk)
    if quarter is not None:
        objectives = figures.objectives_in(quarter, today).filter(serves=problem)
        context["objectives"] = page_of(objectives, request.GET.get("page"), figures.TEAMS_PER_PAGE)
    if problem is not None and quarter is not None:
        context.update(
            in_quarter=problem.is_in(quarter),
            threats=shortlist(
                figures.threats_to([problem.pk], quarter).select_related(
                    "team", "blocking_team", "owner"
                ),
                figures.PROBLEM_THREATS_SHOWN,
            ),
            waits=figures.problem_waits([problem.pk], quarter).get(problem.pk, []),
        )
    context["problem"] = problem
    return render(request, "dashboard/problem.html", context)


def get_review_scope(request, label, quarters):
    """The review of quarter `label` (one of `quarters`, all of them: the review reads them
    for its picker and its trends) for the organization, with ?team=<slug> one team's, or
    with ?leader=<id> one leader's (their teams' figures and their leadership), if the
    signed-in user may read it (Action.READ_REVIEW; a leader's, Action.READ_LEADERSHIP);
    else 403. Whether the viewer may widen it to the organization, and read leaders'
    figures, comes along."""
    quarter = next((quarter for quarter in quarters if quarter.label == label), None)
    if quarter is None:
        raise Http404
    organization = relations_to_organization(request.user)
    slug, leader_id = request.GET.get("team"), request.GET.get("leader")
    team = get_object_or_404(Team, slug=slug) if slug else None
    leader = None
    if leader_id and not team:
        # With the ids of the teams they lead, which their review narrows its rows to
        # (Scope.leader_teams): read here, not in a query of their own.
        led = Team.objects.filter(leader=OuterRef("pk")).order_by().values("pk")
        leaders = get_user_model().objects.filter(pk__in=Team.objects.values("leader"))
        leaders = leaders.annotate(led_team_ids=ArraySubquery(led))
        leader = get_object_or_404(leaders, pk=leader_id if leader_id.isdigit() else None)
    relations = organization | team.relations_to(request.user) if team else organization
    sees_leadership = allows(organization, Action.READ_LEADERSHIP)
    if not allows(relations, Action.READ_REVIEW) or (leader and not sees_leadership):
        raise PermissionDenied
    return review.Scope(
        quarter,
        team,
        sees_organization=allows(organization, Action.READ_REVIEW),
        leader=leader,
        sees_leadership=sees_leadership,
    )


def quarter_review(request, label):
    """A quarter's review: objectives by outcome per team, obstacles logged and removed by
    kind, the time to remove them by kind and by the team waited on, the longest open, how
    fast escalations were answered, and how each leader answered their teams. Leaders and
    admins read the organization's, any leader's and any team's; a team's PM and members,
    their team's (without leaders' figures)."""
    quarters = list(Quarter.objects.order_by("start"))
    scope = get_review_scope(request, label, quarters)
    today = timezone.localdate()
    trend_quarters = trends.trend_quarters(quarters, scope.quarter)
    # A leader's review counts its trends from the obstacles: read with its sections.
    counted = trends.counted_reads(scope, trend_quarters) if scope.leader else None
    sections = review.sections(scope, trend_quarters, timezone.now(), counted)
    stored = sections["stored"]
    context = {
        "scope": scope,
        "quarter": scope.quarter,
        "team": scope.team,
        "leader": scope.leader,
        "quarters": quarters,
        "teams": sections["teams"],
        "today": today,
        "outcomes": review.page_of_rows(
            sections["outcomes"], request.GET.get("teams_page"), review.TEAMS_PER_PAGE
        ),
        "by_problem": sections["by_problem"],
        "objectives": review.objectives_with_final_values(scope, request.GET.get("page")),
        "kinds": sections["kinds"],
        "waited_on": review.page_of_rows(
            sections["waited_on"], request.GET.get("waited_page"), review.TEAMS_PER_PAGE
        ),
        "longest": sections["longest"],
        "escalation": sections["escalation"],
        "slowest": sections["slowest"],
        "trends": trends.review_trends(scope, quarters, stored, sections),
    }
    if scope.sees_leadership:
        # The leader picker's, and those the organization's review shows: read once.
        context["leaders"] = leaders = list(review.leaders_of_active_teams())
        if not scope.team:
            context["leaders_page"] = shown = review.page_of_rows(
                review.leaders_reviewed(scope, leaders),
                request.GET.get("leaders_page"),
                review.LEADERS_PER_PAGE,
            )
            context["leadership"] = review.leadership(scope, today, shown)
            context["weeks"] = review.weeks_in(scope.quarter, today)
    return render(request, "dashboard/review.html", context)


def quarter_review_export(request, label):
    """The review's figures as CSV: one row per figure (section, row, measure, value)."""
    quarters = list(Quarter.objects.order_by("start"))
    scope = get_review_scope(request, label, quarters)
    trend_quarters = trends.trend_quarters(quarters, scope.quarter)
    # A leader's review counts its trends from the obstacles: read with its sections.
    counted = trends.counted_reads(scope, trend_quarters) if scope.leader else None
    read = review.csv_sections(scope, trend_quarters, counted)
    # Written whole, then sent: the response's write() per row cost more than the rows.
    content = review.csv_text(
        review.csv_rows(scope, read, timezone.localdate()),
        trends.csv_rows(scope, quarters, read["stored"], read),
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = f"review-{scope.quarter.label}{review.scope_suffix(scope)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
