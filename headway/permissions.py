"""The permission matrix of DESIGN.md, as data.

A view asks `allows(team.relations_to(user), Action.X)`; the answer comes from this one table.
1:1 privacy is not a team permission and lives with the 1:1 (coaching).
"""

from enum import StrEnum


class Action(StrEnum):
    READ = "read"
    EDIT_OBJECTIVES = "edit_objectives"
    CHECK_IN = "check_in"
    LOG_OBSTACLE = "log_obstacle"
    CHANGE_OBSTACLE = "change_obstacle"
    COMMENT_OBSTACLE = "comment_obstacle"
    CONNECT_CHAT = "connect_chat"
    MANAGE = "manage"
    # The organization's few important problems: a leader's (of any team) or an admin's.
    MANAGE_PROBLEMS = "manage_problems"
    # Closing a team's quarter is the team's (its PM's first); reopening it, a leader's call.
    REOPEN_QUARTER = "reopen_quarter"
    # A quarter's review judges how leaders removed obstacles: the organization's is for
    # leaders and admins; a team's, for them and the team's own people.
    READ_REVIEW = "read_review"
    # How each leader answered their teams (time to first action, decisions, 1:1s held,
    # learnings) is read by leaders and admins only, in the organization's review and in a
    # leader's own: a team's people read their team's review without it.
    READ_LEADERSHIP = "read_leadership"


class Relation(StrEnum):
    """How a signed-in user stands to a team (a user may have several). For what belongs to
    the whole organization (its problems), LEADER means leading any team."""

    ADMIN = "admin"
    LEADER = "leader"
    PM = "pm"
    MEMBER = "member"
    BLOCKING_MEMBER = "blocking_member"  # member of the team an obstacle names as blocking
    KEY_RESULT_OWNER = "key_result_owner"  # the team member who checks in on a key result
    SIGNED_IN = "signed_in"


RESPONSIBLE = frozenset({Relation.ADMIN, Relation.LEADER, Relation.PM})

MATRIX = {
    Action.READ: frozenset(Relation),
    Action.EDIT_OBJECTIVES: RESPONSIBLE,
    Action.CHECK_IN: RESPONSIBLE | {Relation.KEY_RESULT_OWNER},
    Action.LOG_OBSTACLE: RESPONSIBLE,
    Action.CHANGE_OBSTACLE: RESPONSIBLE,
    Action.COMMENT_OBSTACLE: RESPONSIBLE | {Relation.MEMBER, Relation.BLOCKING_MEMBER},
    # A team's chat channels speak to the whole team: its leader connects them.
    Action.CONNECT_CHAT: frozenset({Relation.ADMIN, Relation.LEADER}),
    Action.MANAGE: frozenset({Relation.ADMIN}),
    Action.MANAGE_PROBLEMS: frozenset({Relation.ADMIN, Relation.LEADER}),
    Action.REOPEN_QUARTER: frozenset({Relation.ADMIN, Relation.LEADER}),
    Action.READ_REVIEW: RESPONSIBLE | {Relation.MEMBER},
    Action.READ_LEADERSHIP: frozenset({Relation.ADMIN, Relation.LEADER}),
}


def allows(relations, action):
    """True when any of the user's relations to the team may perform `action`."""
    return not MATRIX[Action(action)].isdisjoint(relations)
