"""A list's filter and sort survive the trip through a URL; nonsense in a URL is dropped, never an error."""

import datetime as dt
from urllib.parse import parse_qs

from foi.tracking import StatusGroup
from web.filters import ListQuery, parse


def read(query: str) -> ListQuery:
    multi = parse_qs(query)
    return parse({k: v[0] for k, v in multi.items()}, multi)


def test_a_query_round_trips_through_its_url():
    query = ListQuery(groups=(StatusGroup.OVERDUE, StatusGroup.REVIEW), project="Housing 2026", tag="damp",
                      authority="leeds", due_before=dt.date(2026, 5, 1), text="FOI-ABC", sort="authority",
                      descending=True, page=3)  # fmt: skip
    assert read(query.query(page=3)) == query
    assert read(query.query()).page == 0  # a changed list starts on its first page


def test_unknown_values_are_dropped():
    query = read("status=overdue&status=bogus&status=overdue&sort=drop+table&page=-4&due_before=tomorrow&desc=yes")
    assert query == ListQuery(groups=(StatusGroup.OVERDUE,))


def test_a_feed_keeps_the_filters_but_not_the_sort_or_page():
    kept = read(ListQuery(tag="audit", sort="title", page=2).filters_only())
    assert kept == ListQuery(tag="audit")
