"""Long lists shown in part: the rows and their full length read in one query."""

import pytest

from headway.lists import first_of_each, page_of, shortlist
from objectives.models import Membership, Team
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():
    return TeamFactory.create_batch(7)


def ordered():
    return Team.objects.order_by("pk")


def test_a_shortlist_has_the_first_rows_and_the_full_length(teams, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = shortlist(ordered(), 3)

    assert list(first) == teams[:3]
    assert (first.total, first.more) == (7, 4)


def test_a_shortlist_of_nothing_is_empty():
    empty = shortlist(ordered(), 3)

    assert not empty
    assert (len(empty), empty.total, empty.more) == (0, 0, 0)


def test_a_page_comes_with_its_count_in_one_query(teams, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = page_of(ordered(), "2", 3)
        assert list(page) == teams[3:6]
        assert page.paginator.num_pages == 3
        assert (page.start_index(), page.end_index()) == (4, 6)
        assert page.has_previous() and page.has_next()


@pytest.mark.parametrize("number", [None, "", "abc", "0", "-2"])
def test_a_missing_or_invalid_page_number_means_the_first_page(teams, number):
    assert page_of(ordered(), number, 3).number == 1


@pytest.mark.parametrize("number", ["99", "100000000000000000000"])
def test_a_page_past_the_end_is_the_last_page(teams, number):
    """However far: the rows' offset would not fit PostgreSQL's bigint past 10**18 or so."""
    page = page_of(ordered(), number, 3)

    assert page.number == 3
    assert list(page) == teams[6:]


def test_no_rows_is_one_empty_page():
    page = page_of(ordered(), "4", 3)

    assert (page.number, list(page), page.paginator.count) == (1, [], 0)


def test_the_first_rows_of_each_parent_in_one_query(django_assert_num_queries):
    big, small, none = TeamFactory.create_batch(3)
    big_rows = MembershipFactory.create_batch(5, team=big)
    small_rows = MembershipFactory.create_batch(1, team=small)

    with django_assert_num_queries(1):
        rows = list(first_of_each(Membership.objects.order_by("-pk"), "team", 3))

    assert sorted(rows, key=lambda row: row.pk) == sorted(
        big_rows[-3:] + small_rows, key=lambda row: row.pk
    )
    assert [row for row in rows if row.team_id == big.pk] == big_rows[:-4:-1]
    assert none.pk not in {row.team_id for row in rows}
