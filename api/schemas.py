"""What the API reads and writes, as pydantic schemas (django-ninja): the OpenAPI schema and
the docs page are generated from these.

Descriptions are marked with gettext_noop: the machine-readable schema stays in English, and
the docs page (api/templates/api/docs.html) shows them in the reader's language.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.conf import settings
from django.utils.translation import gettext_noop
from ninja import Field, Schema
from pydantic import PlainSerializer

from headway.people import display_name
from objectives.models import CheckIn, KeyResult, Objective, Pace
from obstacles.models import Obstacle, ObstacleEvent

# Figures are JSON numbers: values have at most 14 digits, which a float carries exactly.
Number = Annotated[Decimal, PlainSerializer(float, return_type=float)]
Ratio = Annotated[
    Decimal | None,
    PlainSerializer(lambda v: None if v is None else float(v), return_type=float | None),
]

# Severity is a number in the database; the API names it.
SEVERITY_NAMES = {s.value: s.name.lower() for s in Obstacle.Severity}
SEVERITY_VALUES = {name: value for value, name in SEVERITY_NAMES.items()}
SeverityName = Literal["low", "medium", "high", "critical"]


def absolute_url(path):
    return settings.SITE_URL + path


class Person(Schema):
    id: int
    username: str
    name: str = Field(description=gettext_noop("Full name, else the username."))

    @staticmethod
    def resolve_name(user):
        return display_name(user)


class Error(Schema):
    detail: str = Field(
        description=gettext_noop("What went wrong, in the language the client asks for.")
    )


class FormErrors(Error):
    errors: dict[str, list[str]] = Field(
        description=gettext_noop(
            "Messages for each refused field; __all__ for the request as a whole."
        )
    )


class Me(Schema):
    user: Person
    scope: Literal["read", "write"]
    token_name: str
    rate_limit: int = Field(description=gettext_noop("Requests allowed per window."))
    rate_window_seconds: int


class Quarter(Schema):
    label: str = Field(examples=["2026-Q4"])
    start: date = Field(description=gettext_noop("First day."))
    end: date = Field(description=gettext_noop("Last day."))
    is_current: bool


class TeamRef(Schema):
    slug: str
    name: str


class Team(Schema):
    slug: str
    name: str
    mission: str
    is_platform: bool
    archived: bool
    leader: Person
    url: str = Field(description=gettext_noop("The team’s page in Headway."))

    @staticmethod
    def resolve_url(team):
        return absolute_url(team.get_absolute_url())


class TeamStanding(Team):
    quarter: str = Field(
        alias="quarter_label", description=gettext_noop("The quarter the figures are for.")
    )
    progress: Ratio = Field(
        description=gettext_noop(
            "Mean progress of the quarter’s objectives, 0 to 1; null without any."
        )
    )
    expected: Ratio = Field(description=gettext_noop("Share of the quarter elapsed, 0 to 1."))
    pace: Pace | None = Field(
        description=gettext_noop("Progress against the share of the quarter elapsed.")
    )
    latest_confidence: CheckIn.Confidence | None = Field(
        description=gettext_noop("The most cautious confidence of the latest check-ins.")
    )


class KeyResultOut(Schema):
    id: int
    objective: int = Field(alias="objective_id")
    description: str
    unit: KeyResult.Unit
    start_value: Number
    target_value: Number
    current_value: Number = Field(
        description=gettext_noop("The latest checked-in value, else the start value.")
    )
    progress: Ratio = Field(description=gettext_noop("From start to target, 0 to 1."))
    latest_confidence: CheckIn.Confidence | None
    latest_checked_at: datetime | None
    owner: Person | None = Field(
        description=gettext_noop(
            "The team member who checks in on it; null when the team’s product manager does."
        )
    )
    url: str

    @staticmethod
    def resolve_url(key_result):
        return absolute_url(key_result.get_absolute_url())


class ObjectiveOut(Schema):
    id: int
    team: str = Field(description=gettext_noop("The team’s slug."))
    quarter: str = Field(description=gettext_noop("The quarter’s label."))
    title: str
    problem: str
    serves: int | None = Field(
        alias="serves_id",
        description=gettext_noop(
            "The id of the organization’s problem it serves; null when it serves none."
        ),
    )
    status: Objective.Status
    final_score: Ratio = Field(
        description=gettext_noop("Given when its team closed the quarter, 0 to 1.")
    )
    retrospective: str
    owner: Person | None
    progress: Ratio = Field(description=gettext_noop("Mean progress of its key results, 0 to 1."))
    expected: Ratio
    pace: Pace | None
    latest_confidence: CheckIn.Confidence | None
    key_results: list[KeyResultOut]
    url: str

    @staticmethod
    def resolve_team(objective):
        return objective.team.slug

    @staticmethod
    def resolve_quarter(objective):
        return objective.quarter.label

    @staticmethod
    def resolve_key_results(objective):
        return objective.key_results.all()

    @staticmethod
    def resolve_url(objective):
        return absolute_url(objective.get_absolute_url())


class CheckInOut(Schema):
    id: int
    key_result: int = Field(alias="key_result_id")
    value: Number
    confidence: CheckIn.Confidence
    comment: str
    author: Person
    created_at: datetime


class CheckInIn(Schema):
    value: Decimal = Field(
        description=gettext_noop("The reading, in the key result’s unit; 1 or 0 for a milestone.")
    )
    confidence: CheckIn.Confidence
    comment: str = ""
    day: date | None = Field(
        None,
        description=gettext_noop(
            "The day of the reading, within the key result’s quarter; today if left out."
        ),
    )


class ObstacleEventOut(Schema):
    kind: ObstacleEvent.Kind
    actor: Person
    created_at: datetime
    from_value: str
    to_value: str
    text: str


class ObstacleOut(Schema):
    id: int
    version: int = Field(
        description=gettext_noop(
            "Send it back with a change: a change based on an older version is refused."
        )
    )
    team: TeamRef
    title: str
    description: str
    kind: Obstacle.Kind
    blocking_team: TeamRef | None
    threatened_objectives: list[int]
    severity: SeverityName
    is_urgent: bool
    help_wanted: Obstacle.Help
    help_detail: str
    decide_by: date | None
    status: Obstacle.Status
    owner: Person | None
    resolution: str
    created_by: Person
    opened_at: datetime
    closed_at: datetime | None
    last_activity_at: datetime
    url: str

    @staticmethod
    def resolve_threatened_objectives(obstacle):
        return [objective.pk for objective in obstacle.threatened_objectives.all()]

    @staticmethod
    def resolve_severity(obstacle):
        return SEVERITY_NAMES[obstacle.severity]

    @staticmethod
    def resolve_url(obstacle):
        return obstacle.full_url()


class ObstacleDetail(ObstacleOut):
    timeline: list[ObstacleEventOut]

    @staticmethod
    def resolve_timeline(obstacle):
        return obstacle.events.all()


class ObstacleIn(Schema):
    team: str = Field(description=gettext_noop("The slug of the team it stands in the way of."))
    title: str
    kind: Obstacle.Kind
    blocking_team: str | None = Field(
        None,
        description=gettext_noop(
            "The slug of the team it waits on: required for dependency and platform."
        ),
    )
    decide_by: date | None = Field(
        None, description=gettext_noop("Required for a stakeholder concern.")
    )
    description: str = ""
    threatened_objectives: list[int] = Field(
        default_factory=list,
        description=gettext_noop("Ids of the team’s objectives of the current quarter."),
    )
    severity: SeverityName = "medium"
    is_urgent: bool = Field(
        False, description=gettext_noop("Urgent obstacles are escalated to the leader at once.")
    )
    help_wanted: Obstacle.Help = Obstacle.Help.NONE
    help_detail: str = ""


class ObstacleChange(Schema):
    """Only the fields sent change; the others keep their values."""

    version: int = Field(description=gettext_noop("The version the change is based on."))
    title: str | None = None
    kind: Obstacle.Kind | None = None
    blocking_team: str | None = None
    decide_by: date | None = None
    description: str | None = None
    threatened_objectives: list[int] | None = None
    severity: SeverityName | None = None
    is_urgent: bool | None = None
    help_wanted: Obstacle.Help | None = None
    help_detail: str | None = None


class StatusChange(Schema):
    version: int
    status: Obstacle.Status
    resolution: str = Field(
        "",
        description=gettext_noop(
            "How it ended: required to resolve, accept as a risk or withdraw."
        ),
    )


class OwnerChange(Schema):
    version: int
    owner: int | None = Field(description=gettext_noop("The new owner’s id, or null for nobody."))


class CommentIn(Schema):
    text: str


class Conflict(Error):
    current: ObstacleOut = Field(description=gettext_noop("The obstacle as it is now."))


class Learning(Schema):
    id: int
    title: str
    body: str = Field(description=gettext_noop("Markdown."))
    source_team: TeamRef
    for_everyone: bool
    teams: list[TeamRef] = Field(description=gettext_noop("The teams it is shared with."))
    author: Person
    created_at: datetime

    @staticmethod
    def resolve_teams(learning):
        return learning.teams.all()


class Page[T](Schema):
    count: int = Field(description=gettext_noop("How many results there are in all."))
    page: int
    pages: int
    next: str | None = Field(description=gettext_noop("The next page’s address, null on the last."))
    previous: str | None
    results: list[T]
