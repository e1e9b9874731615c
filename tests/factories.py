"""One set of factories for every test. Each builds a valid object with the least input."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from objectives.models import CheckIn, KeyResult, Membership, Objective, Problem, Quarter, Team

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save(update_fields=["password"])


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    mission = "Make something better for someone."
    leader = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.PRODUCT_MANAGER


class QuarterFactory(factory.django.DjangoModelFactory):
    """Consecutive calendar quarters from 2020-Q1, so that they never overlap; after 2099-Q4
    (the last year a date may be in, headway.dates) they start again from 2020-Q1."""

    class Meta:
        model = Quarter
        django_get_or_create = ["label"]

    label = factory.Sequence(lambda n: f"{2020 + n // 4 % 80}-Q{n % 4 + 1}")
    start = factory.LazyAttribute(lambda q: Quarter.for_day(_first_day(q.label)).start)
    end = factory.LazyAttribute(lambda q: Quarter.for_day(_first_day(q.label)).end)


def _first_day(label):
    year, q = label.split("-Q")
    return date(int(year), 3 * (int(q) - 1) + 1, 1)


class ProblemFactory(factory.django.DjangoModelFactory):
    """One of the organization's problems, owned by a new leader unless told otherwise."""

    class Meta:
        model = Problem

    title = factory.Sequence(lambda n: f"Problem {n}")
    why_it_matters = "It costs customers and the business."
    owner = factory.LazyAttribute(lambda p: TeamFactory().leader)
    first_quarter = factory.SubFactory(QuarterFactory)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    team = factory.SubFactory(TeamFactory)
    quarter = factory.SubFactory(QuarterFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")
    problem = "Customers struggle with something."


class KeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyResult

    objective = factory.SubFactory(ObjectiveFactory)
    description = factory.Sequence(lambda n: f"Key result {n}")
    start_value = 0
    target_value = 100


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    key_result = factory.SubFactory(KeyResultFactory)
    value = 50
    confidence = CheckIn.Confidence.ON_TRACK
    author = factory.SubFactory(UserFactory)


# --- obstacles ---
class ObstacleFactory(factory.django.DjangoModelFactory):
    """An obstacle logged through `Obstacle.log`, so it has its timeline and search text."""

    class Meta:
        model = "obstacles.Obstacle"

    team = factory.SubFactory(TeamFactory)
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Obstacle {n}")
    description = "Something stands in the way."
    kind = "other"
    closed_at = factory.LazyAttribute(
        lambda o: None if o.status in ("open", "in_progress") else timezone.now()
    )
    status = "open"
    resolution = factory.LazyAttribute(lambda o: "" if o.closed_at is None else "Done.")

    @classmethod
    def _create(cls, model_class, *args, team, created_by, **fields):
        return model_class.log(team=team, by=created_by, **fields)


# --- coaching ---
class OneOnOneFactory(factory.django.DjangoModelFactory):
    """A 1:1 between the team's leader and a PM of the team."""

    class Meta:
        model = "coaching.OneOnOne"

    team = factory.SubFactory(TeamFactory)
    leader = factory.LazyAttribute(lambda o: o.team.leader)
    pm = factory.SubFactory(UserFactory)
    scheduled_for = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=1))


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coaching.ActionItem"

    one_on_one = factory.SubFactory(OneOnOneFactory)
    owner = factory.LazyAttribute(lambda o: o.one_on_one.leader)
    text = factory.Sequence(lambda n: f"Action {n}")


class LearningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coaching.Learning"

    title = factory.Sequence(lambda n: f"Learning {n}")
    body = "What we learned."
    source_team = factory.SubFactory(TeamFactory)
    author = factory.LazyAttribute(lambda o: o.source_team.leader)
