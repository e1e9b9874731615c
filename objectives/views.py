from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from headway.history import record_addition, record_change, record_deletion
from headway.lists import page_of
from headway.locking import Conflict
from headway.permissions import Action, allows
from headway.stored import CompiledQuery, prefetched

from .forms import (
    CheckInForm,
    KeyResultForm,
    NextQuarterForm,
    ObjectiveForm,
    ObjectiveGradeForm,
    ProblemForm,
    ReopenForm,
)
from .models import (
    FOCUSED_PROBLEMS,
    CheckIn,
    KeyResult,
    Membership,
    Objective,
    Problem,
    Quarter,
    QuarterClosing,
    Standing,
    Team,
    current_of,
    paced_objectives,
    relations_to_organization,
    with_figures,
    with_latest_from_history,
)

# A team by its slug, with its leader: every team page's first query, compiled once.
TEAM_BY_SLUG = CompiledQuery(lambda slug: Team.objects.filter(slug=slug).select_related("leader"))


def get_team_for_user(request, slug, action=Action.READ):
    """The team named by `slug`, if the signed-in user may perform `action` on it; else 403.

    The user's relations to the team are kept on it (`team.relations`) for the templates.
    """
    teams = TEAM_BY_SLUG(slug=slug)
    if not teams:
        raise Http404("No Team matches the given query.")
    team = teams[0]
    team.relations = team.relations_to(request.user)
    if not allows(team.relations, action):
        raise PermissionDenied
    return team


def selected_quarter(request, quarters=None):
    """The quarter named by ?quarter=<label>, else the current one (None if there is none);
    picked from `quarters` (every quarter, in order) when the caller has them."""
    label = request.GET.get("quarter") or request.POST.get("quarter")
    if quarters is not None:
        named = next((quarter for quarter in quarters if quarter.label == label), None)
        return named or current_of(quarters)
    named = Quarter.objects.filter(label=label).first() if label else None
    return named or Quarter.objects.current()


def read_only(request, quarter):
    """The answer to a change in a quarter that has ended: its objectives are history."""
    return render(request, "objectives/read_only.html", {"quarter": quarter}, status=403)


def closed(request, closing):
    """The answer to a check-in in a quarter the team has closed."""
    return render(request, "objectives/closed.html", {"closing": closing}, status=403)


def key_results_with_history():
    """Key results with their owner and every check-in, oldest first: what
    `with_latest_from_history` reads their latest figures from."""
    check_ins = (
        CheckIn.objects.with_progress().select_related("author").order_by("created_at", "pk")
    )
    return KeyResult.objects.select_related("owner").prefetch_related(
        Prefetch("check_ins", queryset=check_ins)
    )


# A team's objectives in a quarter, their key results and their check-ins: compiled once.
PAGE_OBJECTIVES = CompiledQuery(
    lambda team, quarter: (
        Objective.objects.filter(team=team, quarter=quarter)
        .select_related(
            "owner", "quarter", "serves", "carried_from__quarter", "carried_into__quarter"
        )
        .order_by("order", "pk")
    )
)
PAGE_KEY_RESULTS = CompiledQuery(
    lambda team, quarter: (
        KeyResult.objects.filter(objective__team=team, objective__quarter=quarter)
        .select_related("owner")
        .order_by("objective", "order", "pk")
    )
)
PAGE_CHECK_INS = CompiledQuery(
    lambda team, quarter: (
        CheckIn.objects.with_progress()
        .filter(key_result__objective__team=team, key_result__objective__quarter=quarter)
        .select_related("author")
        .order_by("created_at", "pk")
    )
)


def objectives_for_page(team, quarter, today):
    """The team's objectives in `quarter` with their key results and check-ins (as
    `key_results_with_history()` prefetches them), and their figures computed from those
    (`with_figures`)."""
    arguments = {"team": team.pk, "quarter": quarter.pk}
    objectives = PAGE_OBJECTIVES(**arguments)
    # As a prefetch does, no query for the rows of no rows.
    if objectives:
        key_results = PAGE_KEY_RESULTS(**arguments)
        prefetched(objectives, "key_results", key_results)
        if key_results:
            prefetched(key_results, "check_ins", PAGE_CHECK_INS(**arguments))
    expected = quarter.expected_share(today)
    for objective in objectives:
        objective.team = team
        key_results = [with_latest_from_history(kr) for kr in objective.key_results.all()]
        with_figures(objective, key_results, expected)
    return objectives


def permissions_in(team, quarter, closing=None):
    """What the user may do on the team page for `quarter`; `closing`, the team's closing of
    it in force (None when it is open)."""
    relations, today = team.relations, timezone.localdate()
    may_edit = allows(relations, Action.EDIT_OBJECTIVES)
    check_ins_open = quarter is not None and quarter.contains(today) and closing is None
    return {
        "may_edit": may_edit,
        "can_edit": may_edit and quarter is not None and not quarter.is_past,
        # The team's responsible people check in on every key result; a key result's own
        # owner on theirs (the templates compare its owner with the user).
        "check_ins_open": check_ins_open,
        "can_check_in": allows(relations, Action.CHECK_IN) and check_ins_open,
    }


# Every quarter in order, and a team's members with who they are: compiled once.
QUARTERS = CompiledQuery(lambda: Quarter.objects.order_by("start"))
TEAM_MEMBERS = CompiledQuery(
    lambda team: Membership.objects.filter(team=team).select_related("user")
)


def team_context(request, team):
    """What the team page shows of objectives, for ?quarter=<label> (else the current
    quarter). Higher apps add their parts to it and render a template extending ours."""
    if not hasattr(team, "relations"):
        team.relations = team.relations_to(request.user)
    quarters = QUARTERS()
    quarter = selected_quarter(request, quarters)
    closing = closing_in_force(team, quarter)
    context = {
        "team": team,
        "memberships": TEAM_MEMBERS(team=team.pk),
        "quarter": quarter,
        "quarters": quarters,
        "today": timezone.localdate(),
        "closing": closing,
        **permissions_in(team, quarter, closing),
    }
    if quarter is not None:
        objectives = objectives_for_page(team, quarter, context["today"])
        context["objectives"] = objectives
        context["standing"] = Standing.of(objectives, quarter, context["today"])
    return context


# The closing in force of a team's quarter (at most one): compiled once.
CLOSING_IN_FORCE = CompiledQuery(
    lambda team, quarter: QuarterClosing.objects.of(team, quarter).in_force()[:1]
)


def closing_in_force(team, quarter):
    """The team's closing of `quarter` in force, with who closed it; None when open."""
    if quarter is None:
        return None
    closings = CLOSING_IN_FORCE(team=team.pk, quarter=quarter.pk)
    return closings[0] if closings else None


# The teams of /teams/ shown on a page: the page costs the same however many teams there are.
# As many as the dashboard's and the review's pages show: an organization of 20 teams sees
# them all on one page, which draws as many cards as a page of a larger one.
TEAMS_PER_PAGE = 20


def team_list(request):
    quarter = Quarter.objects.current()
    teams = Team.objects.active().select_related("leader").with_product_managers()
    if quarter is not None:
        # Each team's standing as stored when it last changed (TeamStanding), not computed.
        teams = teams.with_stored_standing(quarter)
    teams = page_of(teams.order_by("name", "pk"), request.GET.get("page"), TEAMS_PER_PAGE)
    return render(
        request,
        "objectives/team_list.html",
        {
            "teams": teams,
            "quarter": quarter,
            "show_pace": quarter is not None,
        },
    )


def objective_create(request, slug):
    team = get_team_for_user(request, slug, Action.EDIT_OBJECTIVES)
    quarter = selected_quarter(request)
    if quarter is None:
        raise Http404(_("There is no quarter to plan yet."))
    if quarter.is_past:
        return read_only(request, quarter)
    objective = Objective(team=team, quarter=quarter, owner=request.user)
    form = ObjectiveForm(request.POST or None, instance=objective, team=team)
    if form.is_valid():
        objective.order = team.objectives.filter(quarter=quarter).count()
        form.save()
        record_addition(request.user, objective)
        messages.success(request, _("Objective added. Now give it key results."))
        return redirect("objectives:key_result_create", team.slug, objective.pk)
    return render(
        request, "objectives/objective_form.html", {"form": form, "team": team, "quarter": quarter}
    )


def objective_edit(request, slug, pk):
    team = get_team_for_user(request, slug, Action.EDIT_OBJECTIVES)
    objective = get_object_or_404(team.objectives.select_related("quarter", "team"), pk=pk)
    if objective.is_closed:
        return read_only(request, objective.quarter)
    form = ObjectiveForm(request.POST or None, instance=objective, team=team)
    status = 200
    if form.is_valid():
        try:
            form.save()
        except Conflict as conflict:
            form.with_conflict(conflict.current)
            status = 409
        else:
            record_change(request.user, objective, form.changed_data)
            messages.success(request, _("Objective saved."))
            return redirect(objective)
    context = {"form": form, "team": team, "quarter": objective.quarter, "objective": objective}
    return render(request, "objectives/objective_form.html", context, status=status)


@require_POST
def objective_move(request, slug, pk):
    team = get_team_for_user(request, slug, Action.EDIT_OBJECTIVES)
    objective = get_object_or_404(team.objectives.select_related("quarter"), pk=pk)
    if objective.is_closed:
        return read_only(request, objective.quarter)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    objective.move(-1 if direction == "up" else 1)
    record_change(request.user, objective, message=f"Moved {direction}")
    return redirect(objective)


def objective_drop(request, slug, pk):
    team = get_team_for_user(request, slug, Action.EDIT_OBJECTIVES)
    objective = get_object_or_404(team.objectives.select_related("quarter"), pk=pk)
    if objective.is_closed:
        return read_only(request, objective.quarter)
    if request.method == "POST":
        objective.drop()
        record_change(request.user, objective, message="Dropped")
        messages.success(
            request, _("“%s” is dropped: it no longer counts for pace.") % objective.title
        )
        return redirect(objective)
    return render(request, "objectives/objective_drop.html", {"team": team, "objective": objective})


def objective_carry_over(request, slug, pk):
    team = get_team_for_user(request, slug, Action.EDIT_OBJECTIVES)
    objective = get_object_or_404(team.objectives.select_related("quarter"), pk=pk)
    error = None
    if request.method == "POST":
        try:
            carried = objective.carry_over(by=request.user)
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            record_addition(request.user, carried)
            record_change(request.user, objective, message=f"Carried over into {carried.quarter}")
            messages.success(request, _("Carried over into %s.") % carried.quarter)
            return redirect(carried)
    context = {
        "team": team,
        "objective": objective,
        "next_quarter": objective.quarter.following(),
        "key_results": objective.key_results.with_latest_check_in(),
        "error": error,
    }
    return render(request, "objectives/objective_carry_over.html", context)


def key_result_create(request, slug, objective_pk):
    team = get_team_for_user(request, slug, Action.EDIT_OBJECTIVES)
    objective = get_object_or_404(team.objectives.select_related("quarter"), pk=objective_pk)
    if objective.is_closed:
        return read_only(request, objective.quarter)
    key_result = KeyResult(objective=objective, order=objective.key_results.count())
    form = KeyResultForm(request.POST or None, instance=key_result)
    if form.is_valid():
        form.save()
        record_addition(request.user, key_result)
        messages.success(request, _("Key result added."))
        if "add_another" in request.POST:
            return redirect("objectives:key_result_create", team.slug, objective.pk)
        return redirect(objective)
    context = {"form": form, "team": team, "objective": objective}
    return render(request, "objectives/key_result_form.html", context)


def key_result_edit(request, slug, pk):
    team = get_team_for_user(request, slug, Action.EDIT_OBJECTIVES)
    key_result = get_key_result(team, pk)
    if key_result.objective.is_closed:
        return read_only(request, key_result.objective.quarter)
    form = KeyResultForm(request.POST or None, instance=key_result)
    status = 200
    if form.is_valid():
        try:
            form.save()
        except Conflict as conflict:
            form.with_conflict(conflict.current)
            status = 409
        else:
            record_change(request.user, key_result, form.changed_data)
            messages.success(request, _("Key result saved."))
            return redirect(key_result.objective)
    context = {
        "form": form,
        "team": team,
        "objective": key_result.objective,
        "key_result": key_result,
    }
    return render(request, "objectives/key_result_form.html", context, status=status)


def key_result_delete(request, slug, pk):
    team = get_team_for_user(request, slug, Action.EDIT_OBJECTIVES)
    key_result = get_key_result(team, pk)
    if key_result.objective.is_closed:
        return read_only(request, key_result.objective.quarter)
    if request.method == "POST":
        record_deletion(request.user, key_result)
        key_result.delete()
        messages.success(request, _("Key result deleted, with its check-ins."))
        return redirect(key_result.objective)
    return render(
        request, "objectives/key_result_delete.html", {"team": team, "key_result": key_result}
    )


def get_key_result(team, pk, queryset=None):
    """One of the team's key results, with its objective and quarter; 404 if not the team's."""
    # `queryset or ...` would run the whole queryset (and its prefetches) to test its truth.
    queryset = (KeyResult.objects if queryset is None else queryset).select_related(
        "objective__quarter", "objective__team"
    )
    return get_object_or_404(queryset, pk=pk, objective__team=team)


@vary_on_headers("HX-Request")
def key_result_detail(request, slug, pk):
    """A key result with every check-in; for htmx, its row on the team page."""
    team = get_team_for_user(request, slug)
    key_result = with_latest_from_history(get_key_result(team, pk, key_results_with_history()))
    quarter = key_result.objective.quarter
    context = {
        "team": team,
        "key_result": key_result,
        "objective": key_result.objective,
        "quarter": quarter,
        "today": timezone.localdate(),
        "revisions": key_result.check_in_revisions.select_related("by"),
        **permissions_in(team, quarter, closing_in_force(team, quarter)),
    }
    template = "objectives/key_result.html#row" if request.htmx else "objectives/key_result.html"
    return render(request, template, context)


@vary_on_headers("HX-Request")
def check_in(request, slug, pk):
    """Record a check-in: inline on the team page with htmx, or as a page of its own."""
    team = get_team_for_user(request, slug)
    key_result = get_key_result(team, pk, KeyResult.objects.with_latest_check_in())
    # The team's responsible people check in, and so does the key result's own owner.
    if not allows(key_result.relations_to(request.user, team.relations), Action.CHECK_IN):
        raise PermissionDenied
    quarter = key_result.objective.quarter
    if quarter.is_past:
        return read_only(request, quarter)
    if closing := closing_in_force(team, quarter):
        return closed(request, closing)
    form = CheckInForm(request.POST or None, key_result=key_result, author=request.user)
    context = {
        "team": team,
        "key_result": key_result,
        "objective": key_result.objective,
        "form": form,
    }
    if form.is_valid():
        form.save()
        if not request.htmx:
            messages.success(request, _("Check-in saved."))
            return redirect(key_result.objective.team_page_url(f"key-result-{key_result.pk}"))
        return render(
            request, "objectives/check_in.html#saved", saved_context(request, team, key_result)
        )
    if request.htmx:
        response = render(request, "objectives/check_in.html#form", context)
        if request.method == "POST":
            response = reswap(
                retarget(response, f"#key-result-{key_result.pk}-check-in"), "innerHTML"
            )
        return response
    return render(request, "objectives/check_in.html", context)


def get_check_in_for_user(request, team, pk):
    """One of `team`'s check-ins, if the user may still correct or delete it; else 403."""
    check_in = get_object_or_404(
        CheckIn.objects.select_related(
            "author", "key_result__objective__quarter", "key_result__objective__team"
        ),
        pk=pk,
        key_result__objective__team=team,
    )
    if not check_in.may_be_changed_by(request.user):
        raise PermissionDenied
    return check_in


def check_in_edit(request, slug, pk):
    """Correct a check-in: its author or the team's leader, within CheckIn.CORRECTABLE_FOR."""
    team = get_team_for_user(request, slug, Action.CHECK_IN)
    check_in = get_check_in_for_user(request, team, pk)
    key_result = check_in.key_result
    form = CheckInForm(
        request.POST or None, key_result=key_result, author=request.user, check_in=check_in
    )
    if form.is_valid():
        form.save()
        fields = [CHECK_IN_FIELDS[name] for name in form.changed_data if name in CHECK_IN_FIELDS]
        record_change(request.user, check_in, fields, message="Corrected")
        messages.success(request, _("Check-in corrected."))
        return redirect(key_result)
    context = {
        "team": team,
        "key_result": key_result,
        "objective": key_result.objective,
        "form": form,
        "check_in": check_in,
    }
    return render(request, "objectives/check_in.html", context)


# The check-in form's fields and the model fields they change, for the history.
CHECK_IN_FIELDS = {
    "value": "value",
    "confidence": "confidence",
    "comment": "comment",
    "day": "created_at",
}


def check_in_delete(request, slug, pk):
    team = get_team_for_user(request, slug, Action.CHECK_IN)
    check_in = get_check_in_for_user(request, team, pk)
    key_result = check_in.key_result
    if request.method == "POST":
        record_deletion(request.user, check_in)
        check_in.delete_by(request.user)
        messages.success(request, _("Check-in deleted."))
        return redirect(key_result)
    context = {"team": team, "key_result": key_result, "check_in": check_in}
    return render(request, "objectives/check_in_delete.html", context)


def saved_context(request, team, key_result):
    """What a saved check-in redraws: its key result, its objective's progress, the pace."""
    quarter, today = key_result.objective.quarter, timezone.localdate()
    # Every objective of the team's quarter: the team's standing is computed from them, and
    # theirs from their key results.
    key_results = (
        KeyResult.objects.filter(objective__team=team, objective__quarter=quarter)
        .with_latest_check_in()
        .select_related("objective__team", "objective__quarter")
    )
    objectives = paced_objectives(key_results, quarter.expected_share(today))
    return {
        "team": team,
        "key_result": with_latest_from_history(
            get_key_result(team, key_result.pk, key_results_with_history())
        ),
        "objective": next(o for o in objectives if o.pk == key_result.objective_id),
        "quarter": quarter,
        "standing": Standing.of(objectives, quarter, today),
        "today": today,
        "just_saved": True,
        **permissions_in(team, quarter),  # just checked in: it is open
    }


# Closing a quarter


def objectives_to_grade(team, quarter):
    return (
        team.objectives.filter(quarter=quarter)
        .with_progress()
        .select_related("quarter", "team", "carried_into__quarter")
        .prefetch_related(Prefetch("key_results", KeyResult.objects.with_latest_check_in()))
        .order_by("order", "pk")
    )


def quarter_close(request, slug, label):
    """The team closes the quarter: grades each objective and carries the unfinished ones
    over, in one go. Once closed, the same page shows the grades and the closing's history,
    and a leader or an administrator may reopen it."""
    team = get_team_for_user(request, slug, Action.EDIT_OBJECTIVES)
    quarter = get_object_or_404(Quarter, label=label)
    closings = list(QuarterClosing.objects.of(team, quarter))
    closing = next((c for c in closings if c.is_in_force), None)
    objectives = list(objectives_to_grade(team, quarter))
    next_quarter = quarter.following()
    may_close = closing is None and quarter.is_closing()
    data = request.POST if request.method == "POST" and may_close else None
    forms = [
        ObjectiveGradeForm(data, objective=objective, next_quarter=next_quarter)
        for objective in objectives
    ]
    error = None
    if data is not None and all([form.is_valid() for form in forms]):
        carried = [form.objective for form in forms if form.cleaned_data.get("carry_over")]
        try:
            closing = QuarterClosing.close(
                team, quarter, request.user, {form.objective: form.grade for form in forms}, carried
            )
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            record_addition(request.user, closing)
            for form in forms:
                record_change(request.user, form.objective, ["status", "final_score"])
            for objective in closing.carried:
                record_addition(request.user, objective)
            messages.success(request, closed_message(quarter, closing.carried))
            return redirect(f"{team.get_absolute_url()}?quarter={quarter.label}")
    context = {
        "team": team,
        "quarter": quarter,
        "next_quarter": next_quarter,
        "next_to_create": Quarter.next_to_create() if next_quarter is None else None,
        "forms": forms,
        "closing": closing,
        "closings": closings,
        "may_close": may_close,
        "may_reopen": closing is not None and allows(team.relations, Action.REOPEN_QUARTER),
        "may_create_quarter": allows(relations_to_organization(request.user), Action.MANAGE),
        "reopen_form": ReopenForm(),
        "error": error,
        "refused": data is not None,
    }
    # Posted grades refused (422), or a quarter already closed or not yet closable (409).
    status = 422 if data is not None else 409 if request.method == "POST" else 200
    return render(request, "objectives/quarter_close.html", context, status=status)


def closed_message(quarter, carried):
    if carried:
        return ngettext(
            "%(quarter)s is closed; %(count)d objective carried over into %(next)s.",
            "%(quarter)s is closed; %(count)d objectives carried over into %(next)s.",
            len(carried),
        ) % {"quarter": quarter, "count": len(carried), "next": carried[0].quarter}
    return _("%(quarter)s is closed.") % {"quarter": quarter}


@require_POST
def quarter_reopen(request, slug, label):
    """A leader or an administrator reopens a team's closed quarter, saying why."""
    team = get_team_for_user(request, slug, Action.REOPEN_QUARTER)
    quarter = get_object_or_404(Quarter, label=label)
    closing = get_object_or_404(QuarterClosing.objects.of(team, quarter).in_force())
    form = ReopenForm(request.POST)
    if form.is_valid():
        closing.reopen(request.user, form.cleaned_data["reason"])
        record_change(request.user, closing, message=f"Reopened: {closing.reopen_reason}")
        messages.success(
            request,
            _("%(quarter)s is open again for %(team)s.") % {"quarter": quarter, "team": team.name},
        )
        return redirect("objectives:quarter_close", team.slug, quarter.label)
    context = {"team": team, "quarter": quarter, "closing": closing, "reopen_form": form}
    return render(request, "objectives/quarter_reopen.html", context, status=422)


def quarter_create_next(request):
    """An administrator creates the next quarter: the next calendar quarter, prefilled (one
    button posts it as it is); one that overlaps another is refused."""
    if not allows(relations_to_organization(request.user), Action.MANAGE):
        raise PermissionDenied
    upcoming = Quarter.next_to_create()
    form = NextQuarterForm(
        request.POST or None,
        initial={"label": upcoming.label, "start": upcoming.start, "end": upcoming.end},
    )
    if form.is_valid():
        quarter = form.save()
        record_addition(request.user, quarter)
        messages.success(request, _("%(quarter)s is created.") % {"quarter": quarter})
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect("objectives:teams")
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(
        request,
        "objectives/quarter_create.html",
        context,
        status=422 if form.is_bound else 200,
    )


# The organization's problems (their list and the "by problem" view are the dashboard's)


def check_may_manage_problems(request):
    """Leaders and admins keep the list of problems; anyone else is refused (403)."""
    if not allows(relations_to_organization(request.user), Action.MANAGE_PROBLEMS):
        raise PermissionDenied


def problems_url(quarter):
    return f"{reverse('problems')}?quarter={quarter.label}" if quarter else reverse("problems")


def warn_when_unfocused(request, quarter):
    """Past a handful of problems in a quarter, say so: the organization is losing focus."""
    count = Problem.objects.in_quarter(quarter).count()
    if count > FOCUSED_PROBLEMS:
        messages.warning(
            request,
            _(
                "%(quarter)s now has %(count)d important problems. More than %(focused)d, and "
                "the organization is no longer focused on a few: consider ending or merging some."
            )
            % {"quarter": quarter, "count": count, "focused": FOCUSED_PROBLEMS},
        )


def problem_form_context(form, quarter, problem=None):
    counted = Problem.objects.in_quarter(quarter).exclude(pk=getattr(problem, "pk", None))
    return {
        "form": form,
        "problem": problem,
        "quarter": quarter,
        "problem_count": counted.count() if quarter else 0,
        "focused_problems": FOCUSED_PROBLEMS,
    }


def problem_create(request):
    check_may_manage_problems(request)
    quarter = selected_quarter(request)
    if quarter is None:
        raise Http404(_("There is no quarter to plan yet."))
    owner = request.user if Team.objects.active().led_by(request.user).exists() else None
    form = ProblemForm(request.POST or None, initial={"first_quarter": quarter, "owner": owner})
    if form.is_valid():
        problem = form.save()
        record_addition(request.user, problem)
        messages.success(request, _("Problem added: teams can now say which objectives serve it."))
        warn_when_unfocused(request, problem.first_quarter)
        return redirect(problems_url(problem.first_quarter))
    return render(request, "objectives/problem_form.html", problem_form_context(form, quarter))


def problem_edit(request, pk):
    check_may_manage_problems(request)
    problem = get_object_or_404(Problem.objects.select_related("owner"), pk=pk)
    quarter = selected_quarter(request)
    form = ProblemForm(request.POST or None, instance=problem)
    if form.is_valid():
        form.save()
        record_change(request.user, problem, form.changed_data)
        messages.success(request, _("Problem saved."))
        return redirect(problems_url(quarter))
    return render(
        request, "objectives/problem_form.html", problem_form_context(form, quarter, problem)
    )


def problem_delete(request, pk):
    check_may_manage_problems(request)
    problem = get_object_or_404(Problem, pk=pk)
    quarter = selected_quarter(request)
    deletable = problem.is_deletable
    if request.method == "POST" and deletable:
        record_deletion(request.user, problem)
        problem.delete()
        messages.success(request, _("Problem deleted."))
        return redirect(problems_url(quarter))
    context = {"problem": problem, "quarter": quarter, "deletable": deletable}
    return render(
        request,
        "objectives/problem_delete.html",
        context,
        status=409 if request.method == "POST" else 200,
    )
