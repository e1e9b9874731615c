from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from headway.forms import option_tags
from headway.locking import Conflict
from headway.people import NAME_ORDER, display_name, in_name_order
from objectives.models import Quarter, Team
from obstacles.models import during

from .agenda import build_agenda
from .forms import (
    ActionItemForm,
    LearningForm,
    NotesForm,
    ScheduleForm,
    ShareLearningForm,
    TalkingPointForm,
)
from .models import ActionItem, Learning, OneOnOne, pairs_of, teams_learning_from

# What the pair writes is masked in error reports (Django's debug page, a mail handler an
# operator adds): nobody outside the pair reads it, in a report no more than on a page.
private_text = sensitive_post_parameters("text")


def get_one_on_one_for_user(request, pk):
    """The 1:1, if the user is its leader or its PM; anyone else gets a 404, not a hint."""
    one_on_one = get_object_or_404(
        OneOnOne.objects.select_related("leader", "pm", "team").involving(request.user), pk=pk
    )
    one_on_one.viewer_is_leader = one_on_one.leader_id == request.user.pk
    # Whom the viewer meets: the page is named after them.
    one_on_one.other_person = one_on_one.pm if one_on_one.viewer_is_leader else one_on_one.leader
    if not one_on_one.viewer_is_leader:
        # The private notes never leave the database for anyone but the leader.
        one_on_one.private_notes = one_on_one.private_notes_html = ""
    return one_on_one


def pairs_seen_by(user, pairs):
    """The pairs (`pairs_of`), each with `other_person`: whom `user` meets in it."""
    pairs = list(pairs)
    for pair in pairs:
        pair.other_person = pair.user if pair.team.leader_id == user.pk else pair.team.leader
    return pairs


def one_on_ones(request):
    """The user's 1:1s: as a leader, one row per PM of their teams, with the days since the
    last 1:1 and the next one, or a button to schedule it; then what is coming up and what
    was held. ?held_in=<quarter> lists instead every 1:1 of theirs held in that quarter,
    narrowed to one pair with ?team=<slug>&pm=<id> (the quarter review's links)."""
    user = request.user
    involving = OneOnOne.objects.involving(user).select_related("leader", "pm", "team")
    label = request.GET.get("held_in")
    quarter = Quarter.objects.filter(label=label).first() if label else None
    if quarter is not None:
        held = involving.held().filter(during("held_at", quarter))
        if request.GET.get("team"):
            held = held.filter(team__slug=request.GET["team"])
        if request.GET.get("pm", "").isdigit():
            held = held.filter(pm_id=request.GET["pm"])
        context = {"quarter": quarter, "held": held.order_by("held_at")}
        return render(request, "coaching/one_on_ones.html", context)
    return render(
        request,
        "coaching/one_on_ones.html",
        {
            "led_pairs": pairs_seen_by(user, pairs_of(user).filter(team__leader=user)),
            "upcoming": involving.upcoming().order_by("scheduled_for"),
            "recent": involving.held().order_by("-held_at")[:20],
        },
    )


def next_one_on_one(request):
    """Where either side prepares: their coming 1:1s, and the pairs they are in with none
    coming, to schedule it. Straight to the 1:1 when there is only that one to prepare."""
    upcoming = list(
        OneOnOne.objects.involving(request.user)
        .upcoming()
        .select_related("leader", "pm", "team")
        .order_by("scheduled_for")
    )
    unscheduled = pairs_seen_by(
        request.user, pairs_of(request.user).filter(upcoming_one_on_one_id__isnull=True)
    )
    if len(upcoming) == 1 and not unscheduled:
        return redirect(upcoming[0])
    return render(request, "coaching/next.html", {"upcoming": upcoming, "unscheduled": unscheduled})


@require_POST
def schedule_first(request, slug):
    """Start a pair's series (or open its coming 1:1): a PM with the team's leader, the
    leader with the PM named in the form. Anyone else gets a 404."""
    team = get_object_or_404(Team.objects.active().select_related("leader"), slug=slug)
    pm_id = request.POST.get("pm", "")
    pm = get_user_model().objects.filter(pk=pm_id).first() if pm_id.isdigit() else None
    one_on_one = OneOnOne.start_for(request.user, team, pm)
    if one_on_one is None:
        raise Http404
    other = one_on_one.pm if one_on_one.leader_id == request.user.pk else one_on_one.leader
    messages.success(
        request,
        _("Your next 1:1 with %(name)s is scheduled.") % {"name": display_name(other)},
    )
    return redirect(one_on_one)


def one_on_one_context(request, one_on_one, **extra):
    context = {
        "one_on_one": one_on_one,
        "agenda": build_agenda(one_on_one),
        "talking_point_form": TalkingPointForm(),
        "action_item_form": ActionItemForm(one_on_one=one_on_one),
        "schedule_form": ScheduleForm(instance=one_on_one),
        "shared_notes_form": NotesForm(one_on_one=one_on_one, which="shared"),
        "learnings": one_on_one.learnings.select_related("source_team").prefetch_related("teams"),
        "today": timezone.localdate(),
        "can_log_obstacle": one_on_one.pm_id == request.user.pk
        or one_on_one.leader_id == request.user.pk,
    }
    if one_on_one.viewer_is_leader:
        context["private_notes_form"] = NotesForm(one_on_one=one_on_one, which="private")
    context.update(extra)
    return context


def one_on_one_detail(request, pk):
    one_on_one = get_one_on_one_for_user(request, pk)
    return render(request, "coaching/one_on_one.html", one_on_one_context(request, one_on_one))


@require_POST
@private_text
@vary_on_headers("HX-Request")
def add_talking_point(request, pk):
    one_on_one = get_one_on_one_for_user(request, pk)
    form = TalkingPointForm(request.POST)
    if form.is_valid():
        form.instance.one_on_one, form.instance.author = one_on_one, request.user
        form.save()
        form = TalkingPointForm()
    context = one_on_one_context(request, one_on_one, talking_point_form=form)
    if request.htmx:
        return render(request, "coaching/one_on_one.html#talking_points", context)
    if form.is_bound:
        return render(request, "coaching/one_on_one.html", context, status=422)
    return redirect(one_on_one)


@require_POST
@vary_on_headers("HX-Request")
def toggle_discussed(request, pk):
    one_on_one = get_one_on_one_for_user(request, pk)
    key = request.POST.get("key", "")[:60]
    if not key:
        raise Http404
    ticked, created = one_on_one.discussed.get_or_create(key=key)
    if not created:
        ticked.delete()
    if request.htmx:
        return render(
            request,
            "coaching/includes/discussed_toggle.html",
            {"one_on_one": one_on_one, "key": key, "discussed": created},
        )
    return redirect(one_on_one)


@require_POST
@private_text
@vary_on_headers("HX-Request")
def save_notes(request, pk, which):
    one_on_one = get_one_on_one_for_user(request, pk)
    if which not in OneOnOne.NOTES or (which == "private" and not one_on_one.viewer_is_leader):
        raise Http404
    form = NotesForm(request.POST, one_on_one=one_on_one, which=which)
    form.is_valid()  # the text may be anything; a missing version is a bad request (400)
    try:
        form.save()
    except Conflict as conflict:
        form.with_conflict(conflict.current)
        if request.htmx:
            context = {"form": form, "which": which}
            return render(request, "coaching/includes/notes_status.html", context, status=409)
        context = one_on_one_context(request, one_on_one, **{f"{which}_notes_form": form})
        return render(request, "coaching/one_on_one.html", context, status=409)
    if request.htmx:
        context = {"form": form, "which": which, "saved_at": timezone.now()}
        return render(request, "coaching/includes/notes_status.html", context)
    messages.success(request, _("Notes saved."))
    return redirect(one_on_one)


@require_POST
def reschedule(request, pk):
    one_on_one = get_one_on_one_for_user(request, pk)
    if one_on_one.is_held:
        raise PermissionDenied
    form = ScheduleForm(request.POST, instance=one_on_one)
    if form.is_valid():
        one_on_one.move_to(form.cleaned_data["scheduled_for"])
        messages.success(request, _("The 1:1 is moved."))
        return redirect(one_on_one)
    context = one_on_one_context(request, one_on_one, schedule_form=form)
    return render(request, "coaching/one_on_one.html", context, status=422)


@require_POST
def mark_held(request, pk):
    one_on_one = get_one_on_one_for_user(request, pk)
    if not one_on_one.viewer_is_leader:
        raise PermissionDenied
    upcoming = one_on_one.mark_held()
    messages.success(
        request,
        _(
            "1:1 recorded. The next one is scheduled for %(date)s; open action items and "
            "talking points not discussed carry over."
        )
        % {
            "date": formats.date_format(
                timezone.localtime(upcoming.scheduled_for), "DATETIME_FORMAT"
            )
        },
    )
    return redirect(one_on_one)


@require_POST
@private_text
@vary_on_headers("HX-Request")
def add_action_item(request, pk):
    one_on_one = get_one_on_one_for_user(request, pk)
    form = ActionItemForm(request.POST, one_on_one=one_on_one)
    if form.is_valid():
        form.instance.one_on_one = one_on_one
        form.save()
        form = ActionItemForm(one_on_one=one_on_one)
        status = 200
    else:
        status = 422
    context = one_on_one_context(request, one_on_one, action_item_form=form)
    if request.htmx:
        return render(request, "coaching/one_on_one.html#action_items", context)
    if status == 200:
        return redirect(one_on_one)
    return render(request, "coaching/one_on_one.html", context, status=status)


def get_action_item_for_user(request, pk):
    """An action item of one of the user's 1:1s (its owner may not see the 1:1 otherwise)."""
    return get_object_or_404(
        ActionItem.objects.involving(request.user).select_related(
            "one_on_one", "owner", "obstacle"
        ),
        pk=pk,
    )


@require_POST
@vary_on_headers("HX-Request")
def toggle_action_item(request, pk):
    item = get_action_item_for_user(request, pk)
    item.set_done(not item.is_done)
    if request.htmx:
        return render(
            request,
            "coaching/includes/action_item.html",
            {"item": item, "today": timezone.localdate(), "show_source": True},
        )
    next_url = request.POST.get("next")
    if next_url == reverse("coaching:actions"):
        return redirect(next_url)
    return redirect(item.one_on_one)


def help_queue(request):
    """Every open action item the user owns across their 1:1s, overdue first."""
    items = (
        ActionItem.objects.open()
        .owed_by(request.user)
        .select_related("one_on_one__pm", "one_on_one__team", "obstacle", "owner")
        .overdue_first()
    )
    return render(request, "coaching/actions.html", {"items": items, "today": timezone.localdate()})


def learnings(request):
    """The latest learnings, or those matching a search, shared with a team, recorded by
    someone (?author=<id>) or in a quarter (?recorded_in=<label>): these two list every
    match, as the quarter review counts them."""
    query = request.GET.get("q", "").strip()
    # Each filter is looked up only when given.
    slug, label = request.GET.get("team", ""), request.GET.get("recorded_in", "")
    team = Team.objects.filter(slug=slug).first() if slug else None
    authors = in_name_order(
        get_user_model().objects.filter(pk__in=Learning.objects.values("author"))
    )
    author_id = request.GET.get("author", "")
    author = authors.filter(pk=author_id).first() if author_id.isdigit() else None
    quarter = Quarter.objects.filter(label=label).first() if label else None
    found = Learning.objects.for_cards()
    if team:
        found = found.shared_with(team)
    if author:
        found = found.filter(author=author)
    if quarter:
        found = found.filter(during("created_at", quarter))
    found = found.search(query) if query else found
    return render(
        request,
        "coaching/learnings.html",
        {
            "learnings": found if author or quarter else found[:50],
            "query": query,
            "team": team,
            "author": author,
            "quarter": quarter,
            # The filters' options, written without a template loop over 200 teams.
            "team_options": option_tags(
                Team.objects.active().values_list("slug", "name"), [team.slug] if team else []
            ),
            "author_options": option_tags(
                (
                    (row.pk, display_name(row))
                    for row in authors.values_list("pk", *NAME_ORDER, named=True)
                ),
                [str(author.pk)] if author else [],
            ),
            "quarter_options": option_tags(
                Quarter.objects.order_by("-start").values_list("label", "label"),
                [quarter.label] if quarter else [],
            ),
            "can_record": teams_learning_from(request.user).exists(),
        },
    )


def learning_create(request):
    """Record a learning: a PM or a leader, of one of their teams' work, or of a 1:1 of theirs
    (?one_on_one=, which it stays linked to)."""
    teams = teams_learning_from(request.user)
    if not teams.exists():
        raise PermissionDenied
    source = request.GET.get("one_on_one")
    one_on_one = (
        OneOnOne.objects.involving(request.user).filter(pk=source).first()
        if source and source.isdigit()
        else None
    )
    initial = {"source_team": one_on_one.team_id} if one_on_one else {}
    form = LearningForm(request.POST or None, initial=initial, source_teams=teams)
    if request.method == "POST" and form.is_valid():
        form.instance.author, form.instance.one_on_one = request.user, one_on_one
        form.save()
        messages.success(request, _("Learning shared."))
        return redirect(one_on_one or reverse("coaching:learnings"))
    status = 422 if form.is_bound else 200
    return render(
        request,
        "coaching/learning_form.html",
        {"form": form, "one_on_one": one_on_one},
        status=status,
    )


def learning_share(request, pk):
    learning = get_object_or_404(Learning.objects.select_related("source_team"), pk=pk)
    if not learning.may_be_shared_by(request.user):
        raise PermissionDenied
    form = ShareLearningForm(request.POST or None, instance=learning)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Learning shared with more teams."))
        return redirect(reverse("coaching:learnings"))
    return render(
        request,
        "coaching/learning_share.html",
        {"form": form, "learning": learning},
        status=422 if form.is_bound else 200,
    )
