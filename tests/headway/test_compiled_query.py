"""A queryset compiled once per process (headway.stored.CompiledQuery): each call binds its
arguments and gives the rows the queryset itself would give (or its plain rows, from a
statement prepared once per connection), or refuses to compile."""

import datetime
import threading

import pytest
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import DateTimeField, F, Func, IntegerField, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from headway.stored import (
    PREPARED,
    CompiledQuery,
    any_of,
    fetch,
    fetch_each,
    prefetched,
    read_together,
)
from objectives.models import KeyResult, Objective, Team
from obstacles.models import DECISION_DUE_SOON, Obstacle, start_of
from tests.factories import (
    KeyResultFactory,
    ObjectiveFactory,
    ObstacleFactory,
    QuarterFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def objectives_of(team, quarter):
    return (
        Objective.objects.filter(team=team, quarter=quarter)
        .select_related("owner", "quarter")
        .annotate(doubled_order=F("order") * 2)
        .order_by("order", "pk")
    )


@pytest.fixture
def objectives():
    quarters = QuarterFactory(label="2026-Q3"), QuarterFactory(label="2026-Q4")
    teams = TeamFactory(), TeamFactory()
    owner = UserFactory(first_name="Ada <b>&")
    for team in teams:
        for quarter in quarters:
            for order in range(3):
                ObjectiveFactory(team=team, quarter=quarter, owner=owner, order=order)
    return teams, quarters


def test_each_call_gives_what_its_queryset_gives_with_its_arguments(objectives):
    teams, quarters = objectives
    query = CompiledQuery(objectives_of)

    for team in teams:
        for quarter in quarters:
            rows = query(team=team.pk, quarter=quarter.pk)
            expected = list(objectives_of(team, quarter))
            assert rows == expected
            assert [row.doubled_order for row in rows] == [0, 2, 4]


def test_what_it_selects_related_comes_with_its_rows(objectives, django_assert_num_queries):
    teams, quarters = objectives
    query = CompiledQuery(objectives_of)
    query(team=teams[0].pk, quarter=quarters[0].pk)

    with django_assert_num_queries(1):
        rows = query(team=teams[1].pk, quarter=quarters[1].pk)
        assert {(row.owner.first_name, row.quarter.label) for row in rows} == {
            ("Ada <b>&", "2026-Q4")
        }


def test_it_is_compiled_once(objectives):
    teams, quarters = objectives
    query = CompiledQuery(objectives_of)
    compiled = query.compiled({"team": teams[0].pk, "quarter": quarters[0].pk})

    query(team=teams[1].pk, quarter=quarters[0].pk)

    assert query.compiled({"team": teams[0].pk, "quarter": quarters[0].pk}) is compiled


def test_plain_rows_and_slices(objectives):
    teams, _quarters = objectives
    query = CompiledQuery(lambda team: Team.objects.filter(pk=team).values_list("pk", "name")[:1])

    assert query(team=teams[1].pk) == [(teams[1].pk, teams[1].name)]
    assert query(team=-1) == []


def test_texts_are_arguments_too(objectives):
    teams, _quarters = objectives
    query = CompiledQuery(lambda slug: Team.objects.filter(slug=slug))

    assert query(slug=teams[1].slug) == [teams[1]]
    assert query(slug="it's <not> a team") == []


def test_days_and_moments_are_arguments_too(team, pm):
    """As the 1:1's agenda reads its obstacles since a moment and its action items overdue
    on a day (coaching.agenda)."""
    early = ObstacleFactory(team=team, created_by=pm, decide_by=datetime.date(2026, 12, 1))
    late = ObstacleFactory(team=team, created_by=pm, decide_by=datetime.date(2026, 12, 10))
    query = CompiledQuery(
        lambda team, day, since: Obstacle.objects.filter(
            team_id=team, decide_by__lt=day, opened_at__gte=since
        ).order_by("decide_by")
    )
    long_ago = timezone.now() - datetime.timedelta(days=1)

    assert query(team=team.pk, day=datetime.date(2026, 12, 2), since=long_ago) == [early]
    assert query(team=team.pk, day=datetime.date(2026, 12, 11), since=long_ago) == [early, late]
    assert query(team=team.pk, day=datetime.date(2026, 12, 11), since=timezone.now()) == []


@pytest.mark.parametrize("value", [True, 1.5, None])
def test_other_arguments_are_refused(value):
    query = CompiledQuery(lambda value: Team.objects.filter(name=value))

    with pytest.raises(TypeError, match="integers, texts, days, moments or lists of ids"):
        query(value=value)


def test_each_thread_reads_on_its_own_connection(objectives):
    teams, quarters = objectives
    query = CompiledQuery(objectives_of)
    query(team=teams[0].pk, quarter=quarters[0].pk)
    seen = []

    def read():
        with CaptureQueriesContext(connection) as queries:
            seen.append(len(query(team=teams[0].pk, quarter=quarters[0].pk)))
        seen.append(len(queries))
        connection.close()

    # Another thread's connection does not see this test's transaction: no rows, but a
    # query of its own, not one on this thread's connection.
    thread = threading.Thread(target=read)
    thread.start()
    thread.join()

    assert seen == [0, 1]


@pytest.mark.parametrize(
    "queryset_of",
    [
        # An argument computed into another parameter (otherwise than by adding a constant)
        # would be frozen at its stand-in's.
        lambda team: Team.objects.filter(pk=team * 2),
        # An argument that is not a parameter at all.
        lambda team: Team.objects.extra(where=[f"id = {team}"]),
        # One left out.
        lambda team: Team.objects.all(),
        # A day made from it.
        lambda team: Team.objects.annotate(
            day=Value(datetime.date(2000, 1, 1) + datetime.timedelta(days=team % 1000))
        ).filter(pk=team),
    ],
)
def test_it_refuses_a_query_whose_arguments_are_not_parameters_of_their_own(queryset_of):
    with pytest.raises(ValueError, match="not a query parameter"):
        CompiledQuery(queryset_of)(team=1)


def test_days_are_arguments_and_so_are_values_shifted_from_them(team, other_team, pm):
    today = datetime.date(2026, 11, 16)
    due = [
        ObstacleFactory(
            team=owner,
            created_by=pm,
            kind="stakeholder",
            decide_by=today + datetime.timedelta(days=days),
            title=f"{owner.name} in {days} days",
        )
        for owner in (team, other_team)
        for days in (-2, 3, 9)
    ]

    def build(team, today):
        # Two places for `today`, one of them shifted by a week: both follow the argument.
        return (
            Obstacle.objects.filter(team=team, decide_by__lte=today + DECISION_DUE_SOON)
            .annotate(days_left=F("decide_by") - Value(today))
            .order_by("decide_by")
            .values_list("title", "days_left")
        )

    query = CompiledQuery(build)
    for owner in (team, other_team):
        for day in (today, today + datetime.timedelta(days=5), today - datetime.timedelta(days=10)):
            assert query.rows(team=owner.pk, today=day) == list(build(owner.pk, day))
            assert query(team=owner.pk, today=day) == list(build(owner.pk, day))
    assert {title for title, _days in query.rows(team=team.pk, today=today)} == {
        o.title for o in due[:2]
    }


def test_the_first_moments_of_days_are_arguments_too(team, pm):
    """As a quarter's bounds are (obstacles.models.during): the first moment of a day
    argument and of the day after another, in the current time zone, even across a change
    of the clocks (a day of 23 or 25 hours, which no constant shift would follow)."""
    with timezone.override("Europe/Paris"):
        # The clocks go back an hour in the night of 24 to 25 October 2026.
        moments = {
            "before the 24th": datetime.datetime(2026, 10, 23, 23, 30),
            "early on the 25th": datetime.datetime(2026, 10, 25, 0, 30),
            "late on the 25th": datetime.datetime(2026, 10, 25, 23, 30),
            "early on the 26th": datetime.datetime(2026, 10, 26, 0, 30),
        }
        for title, moment in moments.items():
            obstacle = ObstacleFactory(team=team, created_by=pm, title=title)
            Obstacle.objects.filter(pk=obstacle.pk).update(opened_at=timezone.make_aware(moment))

        def build(team, first, last):
            return (
                Obstacle.objects.filter(
                    team=team,
                    opened_at__gte=start_of(first),
                    opened_at__lt=start_of(last + datetime.timedelta(days=1)),
                )
                .order_by("opened_at")
                .values_list("title", flat=True)
            )

        query = CompiledQuery(build)
        days = [datetime.date(2026, 10, day) for day in (23, 24, 25, 26)]
        for first in days:
            for last in days[days.index(first) :]:
                expected = list(build(team.pk, first, last))
                assert [title for (title,) in query.rows(team=team.pk, first=first, last=last)] == (
                    expected
                )
                assert query(team=team.pk, first=first, last=last) == expected
        assert list(build(team.pk, days[2], days[2])) == ["early on the 25th", "late on the 25th"]


def test_rows_from_an_offset(objectives):
    teams, quarters = objectives
    query = CompiledQuery(
        lambda team, quarter: objectives_of(team, quarter).values_list("order", flat=True)
    )

    assert query.rows_from(1, 1, team=teams[0].pk, quarter=quarters[0].pk) == [(1,)]
    assert query.rows_from(2, 5, team=teams[0].pk, quarter=quarters[0].pk) == [(2,)]


def test_a_slice_of_its_rows_as_instances(objectives, django_assert_num_queries):
    teams, quarters = objectives
    query = CompiledQuery(objectives_of)
    arguments = {"team": teams[1].pk, "quarter": quarters[1].pk}
    whole = list(objectives_of(**arguments))

    with django_assert_num_queries(1):
        rows = query.slice(1, 1, **arguments)
        assert [row.owner.first_name for row in rows] == ["Ada <b>&"]
    assert rows == whole[1:2]
    assert rows[0].doubled_order == 2
    assert query.slice(2, 5, **arguments) == whole[2:]
    assert query.slice(3, 5, **arguments) == []


def test_plain_rows_are_prepared_once_a_connection_and_each_run_is_one_query(
    team, other_team, django_assert_num_queries
):
    query = CompiledQuery(lambda team: Team.objects.filter(pk=team).values_list("name"))

    with django_assert_num_queries(1):
        assert query.rows(team=team.pk) == [(team.name,)]
    with django_assert_num_queries(1):
        assert query.rows(team=other_team.pk) == [(other_team.name,)]

    sql, _params = query.bound({"team": team.pk})
    with connection.cursor() as cursor:
        name = PREPARED[connection.connection][sql]
        cursor.execute("SELECT parameter_types FROM pg_prepared_statements WHERE name = %s", [name])
        assert cursor.fetchall() == [(["bigint"],)]


@pytest.mark.parametrize("prepared", [True, False])
def test_several_are_read_together_in_one_query_each_as_alone(
    objectives, settings, django_assert_num_queries, prepared
):
    settings.DB_PREPARED_STATEMENTS = prepared
    teams, quarters = objectives
    instances = CompiledQuery(objectives_of)
    names = CompiledQuery(lambda team: Team.objects.filter(pk=team).values_list("name"))
    empty = CompiledQuery(lambda team: Team.objects.filter(pk=team).values_list("mission"))
    arguments = {"team": teams[0].pk, "quarter": quarters[1].pk}

    for _ in range(2):  # prepared, then run by name
        with django_assert_num_queries(1):
            rows, count, nothing = read_together(
                instances.read_instances(**arguments),
                names.read(len, team=teams[1].pk),
                empty.read(team=-1),
            )
        assert rows == list(objectives_of(teams[0], quarters[1]))
        assert [row.doubled_order for row in rows] == [0, 2, 4]
        assert (count, nothing) == (1, [])
    assert names.read(team=teams[1].pk)() == [(teams[1].name,)]


def test_without_prepared_statements_the_sql_is_run_as_it_is(team, settings):
    settings.DB_PREPARED_STATEMENTS = False
    query = CompiledQuery(lambda team: Team.objects.filter(pk=team).values_list("slug"))

    assert query.rows(team=team.pk) == [(team.slug,)]
    sql, _params = query.bound({"team": team.pk})
    with connection.cursor():
        assert sql not in PREPARED.get(connection.connection, {})


def test_a_list_of_ids_is_one_argument_whatever_its_length(objectives, django_assert_num_queries):
    teams, quarters = objectives
    query = CompiledQuery(
        lambda teams, quarter: Objective.objects.filter(
            any_of("team", teams), quarter=quarter
        ).order_by("pk")
    )
    every = [team.pk for team in teams]

    for chosen in ([], every[:1], every, [*every, -1]):
        expected = Objective.objects.filter(team__in=chosen, quarter=quarters[1]).order_by("pk")
        assert query(teams=chosen, quarter=quarters[1].pk) == list(expected)
        with django_assert_num_queries(1):
            rows = query.rows(teams=chosen, quarter=quarters[1].pk)
        assert [row[0] for row in rows] == [objective.pk for objective in expected]
    # One statement for any number of ids.
    assert len({query.bound({"teams": chosen, "quarter": 1})[0] for chosen in ([], every)}) == 1


def test_its_own_constants_can_be_written_into_its_sql(team, other_team, pm):
    """As the review's leadership queries do: a generic plan then knows the constants a
    partial index names. A percent sign or a quote in one stays what it was."""
    title = "50% of it's done"
    customer = ObstacleFactory(team=team, created_by=pm, kind="customer", title=title)
    ObstacleFactory(team=team, created_by=pm, kind="other", title=title)
    ObstacleFactory(team=other_team, created_by=pm, kind="customer", title=title)

    def build(team):
        return Obstacle.objects.filter(team=team, kind="customer", title=title).values_list("pk")

    query = CompiledQuery(build, literal_constants=True)
    sql, params = query.bound({"team": team.pk})

    assert params == [team.pk]
    assert "'customer'" in sql
    assert query.rows(team=team.pk) == [(customer.pk,)] == list(build(team.pk))
    assert query(team=other_team.pk) == list(build(other_team.pk))


def test_a_statement_can_be_planned_without_jit_compilation():
    assert fetch("SELECT current_setting('jit')", [], jit=False) == [("off",)]
    assert fetch("SELECT current_setting('jit'), %s", [1], jit=False) == [("off", 1)]


def test_statements_read_together_can_be_planned_once_for_any_parameters():
    setting = "SELECT current_setting('plan_cache_mode'), %s"
    statements = [(setting, [1]), (setting, [2])]

    assert fetch_each(statements, generic_plan=True) == [
        [("force_generic_plan", 1)],
        [("force_generic_plan", 2)],
    ]


def test_model_instances_are_prepared_once_a_connection_too(objectives, django_assert_num_queries):
    teams, quarters = objectives
    query = CompiledQuery(objectives_of)

    with django_assert_num_queries(1):
        first = query(team=teams[0].pk, quarter=quarters[0].pk)
    with django_assert_num_queries(1) as queries:
        rows = query(team=teams[1].pk, quarter=quarters[1].pk)

    assert [row.pk for row in first] == [o.pk for o in objectives_of(teams[0], quarters[0])]
    assert rows == list(objectives_of(teams[1], quarters[1]))
    assert {(row.owner.first_name, row.quarter.label) for row in rows} == {("Ada <b>&", "2026-Q4")}
    sql, _params = query.bound({"team": teams[0].pk, "quarter": quarters[0].pk})
    name = PREPARED[connection.connection][sql]
    assert queries.captured_queries[0]["sql"].startswith(f"EXECUTE {name}(")


def test_rows_keep_only_their_own_columns(objectives):
    """Distinct rows ordered by a field they do not give: Django selects it to order by, and
    leaves it out of the rows."""
    teams, quarters = objectives
    query = CompiledQuery(
        lambda quarter: (
            Team.objects.filter(objectives__quarter=quarter)
            .values_list("name")
            .order_by("-objectives__order", "name")
            .distinct()
        )
    )

    rows = query(quarter=quarters[0].pk)

    # One row a (name, order) pair, its name alone: each team once for each order.
    names = sorted(team.name for team in teams)
    assert rows == [(name,) for _order in range(3) for name in names]
    assert rows == list(
        Team.objects.filter(objectives__quarter=quarters[0])
        .values_list("name")
        .order_by("-objectives__order", "name")
        .distinct()
    )


def test_model_instances_without_prepared_statements(objectives, settings):
    settings.DB_PREPARED_STATEMENTS = False
    teams, quarters = objectives
    query = CompiledQuery(lambda team, quarter: objectives_of(team, quarter).reverse())

    with CaptureQueriesContext(connection) as queries:
        rows = query(team=teams[0].pk, quarter=quarters[0].pk)

    assert rows == list(objectives_of(teams[0], quarters[0]).reverse())
    sql, _params = query.bound({"team": teams[0].pk, "quarter": quarters[0].pk})
    assert queries.captured_queries[0]["sql"].startswith("SELECT")
    assert sql not in PREPARED.get(connection.connection, {})


def test_rows_read_together_are_given_to_their_instances_as_a_prefetch_gives_them(
    objectives, django_assert_num_queries
):
    teams, quarters = objectives
    its_objectives = list(objectives_of(teams[0], quarters[0]))
    first, second, without = its_objectives
    key_results = [KeyResultFactory(objective=o, order=n) for o in (first, second) for n in (1, 0)]
    other = KeyResultFactory(objective=objectives_of(teams[1], quarters[0])[0])
    query = CompiledQuery(
        lambda team, quarter: KeyResult.objects.filter(
            objective__team=team, objective__quarter=quarter
        ).order_by("objective", "order", "pk")
    )
    objectives_read = CompiledQuery(objectives_of)(team=teams[0].pk, quarter=quarters[0].pk)

    with django_assert_num_queries(1):
        prefetched(objectives_read, "key_results", query(team=teams[0].pk, quarter=quarters[0].pk))
    with django_assert_num_queries(0):
        given = {o.pk: list(o.key_results.all()) for o in objectives_read}
        assert all(kr.objective is o for o in objectives_read for kr in o.key_results.all())
        assert len(objectives_read[0].key_results.all()) == 2

    assert given == {
        first.pk: [key_results[1], key_results[0]],
        second.pk: [key_results[3], key_results[2]],
        without.pk: [],
    }
    assert other not in given[first.pk]
    # The manager's other methods read the database, for their own instance.
    with django_assert_num_queries(1):
        assert list(objectives_read[0].key_results.filter(order=1)) == [key_results[0]]


def test_a_list_of_moments_in_its_sql_is_prepared_as_moments(objectives):
    """A query's own array of moments (the review's quarter bounds, width_bucket's) is a
    parameter of their type, for its instances as for its rows."""
    teams, _quarters = objectives
    now = timezone.now()
    bounds = [now - datetime.timedelta(days=1), now]

    def bucketed(team):
        return Team.objects.filter(pk=team).annotate(
            bucket=Func(
                Value(now - datetime.timedelta(hours=12)),
                Value(bounds, output_field=ArrayField(DateTimeField())),
                function="WIDTH_BUCKET",
                output_field=IntegerField(),
            )
        )

    query = CompiledQuery(bucketed)

    assert [(t.pk, t.bucket) for t in query(team=teams[0].pk)] == [(teams[0].pk, 1)]
    assert query.rows(team=teams[1].pk)[0][0] == teams[1].pk
