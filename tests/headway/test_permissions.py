import pytest

from headway.permissions import Action, Relation, allows
from objectives.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RESPONSIBLE_ACTIONS = [
    Action.EDIT_OBJECTIVES,
    Action.CHECK_IN,
    Action.LOG_OBSTACLE,
    Action.CHANGE_OBSTACLE,
]


def test_relations_of_each_role(team, leader, pm, tech_lead, outsider, admin_user):
    assert team.relations_to(leader) == {Relation.SIGNED_IN, Relation.LEADER}
    assert team.relations_to(pm) == {Relation.SIGNED_IN, Relation.PM, Relation.MEMBER}
    assert team.relations_to(tech_lead) == {Relation.SIGNED_IN, Relation.MEMBER}
    assert team.relations_to(outsider) == {Relation.SIGNED_IN}
    assert team.relations_to(admin_user) == {Relation.SIGNED_IN, Relation.ADMIN}


@pytest.mark.parametrize("action", RESPONSIBLE_ACTIONS)
def test_pm_leader_and_admin_change_the_team_others_do_not(
    action, team, leader, pm, tech_lead, outsider, admin_user
):
    assert allows(team.relations_to(pm), action)
    assert allows(team.relations_to(leader), action)
    assert allows(team.relations_to(admin_user), action)
    assert not allows(team.relations_to(tech_lead), action)
    assert not allows(team.relations_to(outsider), action)


def test_everyone_signed_in_reads(team, outsider):
    assert allows(team.relations_to(outsider), Action.READ)


def test_anonymous_users_have_no_relation(team):
    from django.contrib.auth.models import AnonymousUser

    assert not allows(team.relations_to(AnonymousUser()), Action.READ)


def test_only_admins_manage(team, leader, pm, admin_user):
    assert allows(team.relations_to(admin_user), Action.MANAGE)
    assert not allows(team.relations_to(leader), Action.MANAGE)
    assert not allows(team.relations_to(pm), Action.MANAGE)


def test_comments_come_from_the_team_and_the_blocking_team(team, tech_lead, outsider):
    assert allows(team.relations_to(tech_lead), Action.COMMENT_OBSTACLE)
    assert not allows(team.relations_to(outsider), Action.COMMENT_OBSTACLE)
    assert allows({Relation.SIGNED_IN, Relation.BLOCKING_MEMBER}, Action.COMMENT_OBSTACLE)


def test_pm_of_two_teams_is_pm_of_each(team, other_team):
    user = UserFactory()
    MembershipFactory(team=team, user=user, role=Membership.Role.PRODUCT_MANAGER)
    MembershipFactory(team=other_team, user=user, role=Membership.Role.DESIGNER)
    assert Relation.PM in team.relations_to(user)
    assert Relation.PM not in other_team.relations_to(user)
