from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from objectives.models import Membership, Team

from .agenda import build_agenda
from .forms import (
    ActionItemForm,
    LearningForm,
    NotesForm,
    ScheduleForm,
    ShareLearningForm,
    TalkingPointForm,
)
from .models import ActionItem, Learning, OneOnOne, with_cadence

# What the pair writes is masked in error reports (Django's debug page, a mail handler an
# operator adds): nobody outside the pair reads it, in a report no more than on a page.
private_text = sensitive_post_parameters("text")


def get_one_on_one_for_user(request, pk):
    """The 1:1, if the user is its leader or its PM; anyone else gets a 404, not a hint."""
    one_on_one = get_object_or_404(
        OneOnOne.objects.select_related("leader", "pm", "team").involving(request.user), pk=pk
    )
    one_on_one.viewer_is_leader = one_on_one.leader_id == request.user.pk
    if not one_on_one.viewer_is_leader:
        # The private notes never leave the database for anyone but the leader.
        one_on_one.private_notes = ""
    return one_on_one


def may_share_learnings(user):
    return user.is_superuser or Team.objects.led_by(user).exists()


def one_on_ones(request):
    """The user's 1:1 series: as a leader, one per team's PM, with the days since the last."""
    user = request.user
    led_teams = with_cadence(Team.objects.active().led_by(user)).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(role=Membership.Role.PRODUCT_MANAGER).select_related(
                "user"
            ),
            to_attr="pm_memberships",
        )
    )
    involving = OneOnOne.objects.involving(user).select_related("leader", "pm", "team")
    return render(
        request,
        "coaching/one_on_ones.html",
        {
            "led_teams": led_teams,
            "upcoming": involving.upcoming().order_by("scheduled_for"),
            "recent": involving.held().order_by("-held_at")[:20],
        },
    )


def next_one_on_one(request):
    """A PM's way in to prepare: their coming 1:1, or a way to schedule the first one."""
    upcoming = list(
        OneOnOne.objects.filter(pm=request.user)
        .upcoming()
        .select_related("leader", "team")
        .order_by("scheduled_for")
    )
    if len(upcoming) == 1:
        return redirect(upcoming[0])
    teams = Team.objects.active().with_member(request.user, Membership.Role.PRODUCT_MANAGER)
    without = teams.exclude(one_on_ones__in=[o.pk for o in upcoming]).select_related("leader")
    return render(request, "coaching/next.html", {"upcoming": upcoming, "teams_without": without})


@require_POST
def schedule_first(request, slug):
    team = get_object_or_404(
        Team.objects.with_member(request.user, Membership.Role.PRODUCT_MANAGER), slug=slug
    )
    one_on_one = OneOnOne.next_for(team.leader, request.user, team)
    messages.success(
        request,
        _("Your next 1:1 with %(name)s is scheduled.")
        % {"name": team.leader.get_full_name() or team.leader.username},
    )
    return redirect(one_on_one)


def one_on_one_context(request, one_on_one, **extra):
    context = {
        "one_on_one": one_on_one,
        "agenda": build_agenda(one_on_one),
        "talking_point_form": TalkingPointForm(),
        "action_item_form": ActionItemForm(one_on_one=one_on_one),
        "schedule_form": ScheduleForm(instance=one_on_one),
        "shared_notes_form": NotesForm(
            initial={"text": one_on_one.shared_notes, "version": one_on_one.shared_notes_version}
        ),
        "learnings": one_on_one.learnings.select_related("source_team").prefetch_related("teams"),
        "today": timezone.localdate(),
        "can_log_obstacle": one_on_one.pm_id == request.user.pk
        or one_on_one.leader_id == request.user.pk,
    }
    if one_on_one.viewer_is_leader:
        context["private_notes_form"] = NotesForm(
            initial={"text": one_on_one.private_notes, "version": one_on_one.private_notes_version}
        )
    context.update(extra)
    return context


def one_on_one_detail(request, pk):
    one_on_one = get_one_on_one_for_user(request, pk)
    return render(request, "coaching/one_on_one.html", one_on_one_context(request, one_on_one))


@require_POST
@private_text
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
def save_notes(request, pk, which):
    one_on_one = get_one_on_one_for_user(request, pk)
    if which == "private" and not one_on_one.viewer_is_leader:
        raise Http404
    form = NotesForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            one_on_one.save_notes(which, form.cleaned_data["text"], form.cleaned_data["version"])
        except OneOnOne.Conflict as error:
            conflict = error
    field = OneOnOne.NOTES[which]
    context = {
        "one_on_one": one_on_one,
        "which": which,
        "text": request.POST.get("text", ""),
        "version": conflict.version if conflict else getattr(one_on_one, f"{field}_version"),
        "conflict": conflict,
        "saved": form.is_valid() and conflict is None,
        "saved_at": timezone.now(),
    }
    if request.htmx:
        return render(request, "coaching/includes/notes_status.html", context)
    if conflict:
        messages.error(
            request, _("These notes changed while you were writing. Your text was not saved.")
        )
    elif context["saved"]:
        messages.success(request, _("Notes saved."))
    return redirect(one_on_one)


@require_POST
def reschedule(request, pk):
    one_on_one = get_one_on_one_for_user(request, pk)
    if one_on_one.is_held:
        raise PermissionDenied
    form = ScheduleForm(request.POST, instance=one_on_one)
    if form.is_valid():
        form.save()
        messages.success(request, _("The 1:1 is moved."))
        return redirect(one_on_one)
    context = one_on_one_context(request, one_on_one, schedule_form=form)
    return render(request, "coaching/one_on_one.html", context, status=422)


@require_POST
def mark_held(request, pk):
    one_on_one = get_one_on_one_for_user(request, pk)
    if not one_on_one.viewer_is_leader or one_on_one.is_held:
        raise PermissionDenied
    upcoming = one_on_one.mark_held()
    messages.success(
        request,
        _("1:1 recorded. The next one is scheduled for %(date)s; open action items carry over.")
        % {
            "date": formats.date_format(
                timezone.localtime(upcoming.scheduled_for), "DATETIME_FORMAT"
            )
        },
    )
    return redirect(one_on_one)


@require_POST
@private_text
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
        ActionItem.objects.select_related("one_on_one", "owner", "obstacle").filter(
            one_on_one__in=OneOnOne.objects.involving(request.user)
        ),
        pk=pk,
    )


@require_POST
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
        .filter(owner=request.user, one_on_one__in=OneOnOne.objects.involving(request.user))
        .select_related("one_on_one__pm", "one_on_one__team", "obstacle", "owner")
        .overdue_first()
    )
    return render(request, "coaching/actions.html", {"items": items, "today": timezone.localdate()})


def learnings(request):
    query = request.GET.get("q", "").strip()
    team = Team.objects.filter(slug=request.GET.get("team", "")).first()
    found = Learning.objects.select_related("source_team", "author").prefetch_related("teams")
    if team:
        found = found.shared_with(team)
    found = found.search(query) if query else found
    return render(
        request,
        "coaching/learnings.html",
        {
            "learnings": found[:50],
            "query": query,
            "team": team,
            "teams": Team.objects.active(),
            "can_share": may_share_learnings(request.user),
        },
    )


def learning_create(request):
    if not may_share_learnings(request.user):
        raise PermissionDenied
    source = request.GET.get("one_on_one")
    one_on_one = (
        OneOnOne.objects.involving(request.user).filter(pk=source).first()
        if source and source.isdigit()
        else None
    )
    initial = {"source_team": one_on_one.team_id} if one_on_one else {}
    form = LearningForm(request.POST or None, initial=initial)
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
    if not (
        request.user.is_superuser
        or learning.author_id == request.user.pk
        or learning.source_team.leader_id == request.user.pk
    ):
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
