"""Long lists shown in part: the first rows with the full length, or one page of them.

Both read the rows and their total in one query (a window count over the filtered rows), so
showing part of a list costs no more queries than showing all of it, however long it grows.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber


def with_full_count(queryset):
    return queryset.annotate(full_count=Window(Count("pk")))


@dataclass
class Shortlist:
    """The first rows of a longer list (iterate it), `total` its full length, `more` how
    many rows are not shown."""

    rows: list
    total: int

    @property
    def more(self):
        return self.total - len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)

    @classmethod
    def of(cls, rows):
        """The shortlist of `rows`, the first rows of a `with_full_count` queryset."""
        return cls(rows, rows[0].full_count if rows else 0)


def shortlist(queryset, limit):
    """The first `limit` rows of `queryset` and how many there are in all."""
    return Shortlist.of(list(with_full_count(queryset)[:limit]))


def first_of_each(queryset, partition, count):
    """The first `count` rows of `queryset` (in its order) for each value of the field
    `partition`: what a sliced `Prefetch` reads for each parent, in a query of its own."""
    order = queryset.query.order_by or queryset.model._meta.ordering
    rank = Window(RowNumber(), partition_by=F(partition), order_by=list(order))
    return queryset.annotate(rank_in_partition=rank).filter(rank_in_partition__lte=count)


# Past any list's end, and small enough that its rows' offset fits PostgreSQL's bigint.
LAST_PAGE_ASKED = 10**9


def page_number(number):
    """A page's number from a query string value: anything invalid means the first page."""
    try:
        return min(max(1, int(number)), LAST_PAGE_ASKED)
    except (TypeError, ValueError):
        return 1


def page_of(queryset, number, per_page):
    """Page `number` (a query string value: anything invalid means the first page) of
    `queryset`, as Django's Paginator gives it. A page past the end gives the last page, at
    the cost of a second query."""
    paginator = Paginator(with_full_count(queryset), per_page)
    number = page_number(number)
    offset = (number - 1) * per_page
    rows = list(paginator.object_list[offset : offset + per_page])
    if not rows and number > 1:
        return page_of(queryset, Paginator(queryset, per_page).num_pages, per_page)
    # The total came with the rows: the paginator need not count them again.
    paginator.count = rows[0].full_count if rows else 0
    return Page(rows, number, paginator)


def page_read(read, number, per_page):
    """Page `number` (as `page_of`'s) of rows read by `read(offset, limit)`: objects with
    `full_count`, the length of the whole list. A page past the end gives the last page, at
    the cost of two more reads."""
    number = page_number(number)
    rows = read((number - 1) * per_page, per_page)
    if not rows and number > 1:
        first = read(0, 1)
        number = max(1, -(-first[0].full_count // per_page)) if first else 1
        rows = read((number - 1) * per_page, per_page)
    paginator = Paginator(rows, per_page)
    paginator.count = rows[0].full_count if rows else 0
    return Page(rows, number, paginator)
