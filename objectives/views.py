from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from headway.permissions import Action, allows

from .models import Membership, Team


def get_team_for_user(request, slug, action=Action.READ):
    """The team named by `slug`, if the signed-in user may perform `action` on it; else 403."""
    team = get_object_or_404(Team.objects.select_related("leader"), slug=slug)
    if not allows(team.relations_to(request.user), action):
        raise PermissionDenied
    return team


def team_list(request):
    teams = Team.objects.active().select_related("leader").prefetch_related("memberships__user")
    return render(
        request,
        "objectives/team_list.html",
        {"teams": teams, "pm_role": Membership.Role.PRODUCT_MANAGER},
    )


def team_context(request, team):
    """What the team page shows of objectives. Higher apps add their parts to it."""
    return {"team": team, "memberships": team.memberships.select_related("user")}


def team_detail(request, slug):
    team = get_team_for_user(request, slug)
    return render(request, "objectives/team.html", team_context(request, team))
