"""The list pages: all requests (filtered, sorted, paged, exported), calendar feeds, projects, authorities."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from foi.statistics import by_authority
from service import exports, listing, projects, statistics, web_access
from web import filters
from web.app import SECURITY_HEADERS, Dashboard, NotFound, Visit, download_headers
from web.chart import reply_times_svg

PER_PAGE = 50
EXPORT_LIMIT = 10_000


def _query(visit: Visit) -> filters.ListQuery:
    params = visit.request.query_params
    return filters.parse(params, {key: params.getlist(key) for key in params})


def requests_page(visit: Visit) -> Response:
    query = _query(visit)
    today = visit.dashboard.today()
    found = listing.find(
        visit.session, query.filter_for(visit.user.id), today, query.page, PER_PAGE, query.sort, query.descending
    )
    return visit.render(
        "requests.html",
        title="Requests",
        found=found,
        query=query,
        today=today,
        groups=filters.GROUP_CHOICES,
        projects=projects.projects_of(visit.session, visit.user),
        tags=projects.tags_of_user(visit.session, visit.user),
        described=query.filter_for(visit.user.id).describe(),
        feed=None,
    )


def _download(data: bytes | str, media_type: str, filename: str) -> Response:
    return Response(data, media_type=media_type, headers=download_headers(filename))


def requests_csv(visit: Visit) -> Response:
    query = _query(visit)
    found = listing.find(
        visit.session, query.filter_for(visit.user.id), visit.dashboard.today(), 0, None, query.sort, query.descending
    )
    return _download(exports.csv_of(found.items[:EXPORT_LIMIT]), "text/csv; charset=utf-8", "foi-requests.csv")


def requests_ics(visit: Visit) -> Response:
    query = _query(visit)
    rows = listing.requests_for(visit.session, query.filter_for(visit.user.id), visit.dashboard.today(), EXPORT_LIMIT)
    data = exports.ics_of(rows, visit.dashboard.clock())
    return _download(data, "text/calendar; charset=utf-8", "foi-deadlines.ics")


# --- calendar feeds -----------------------------------------------------------------


def feeds_page(visit: Visit, created: str | None = None) -> Response:
    return visit.render(
        "feeds.html",
        title="Calendar feeds",
        feeds=web_access.feeds_of(visit.session, visit.user),
        created=created,
        describe=lambda q: filters.parse(_flat(q), parse_qs(q)).filter_for(visit.user.id).describe(),
    )


def _flat(query: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(query).items()}


def new_feed(visit: Visit) -> Response:
    raw = visit.field("query", 1000)
    query = filters.parse(_flat(raw), parse_qs(raw)).filters_only()
    token = web_access.new_feed(visit.session, visit.user, query, visit.dashboard.clock())
    return feeds_page(visit, created=f"{visit.dashboard.base_url}/feed/{token}.ics")


def revoke_feed(visit: Visit) -> Response:
    if not web_access.revoke_feed(visit.session, visit.user, visit.int_param("feed_id"), visit.dashboard.clock()):
        raise NotFound
    return RedirectResponse("/feeds", status_code=303, headers=SECURITY_HEADERS)


def feed_endpoint(dashboard: Dashboard) -> Callable[[Request], Any]:
    """A calendar app's subscription: the token is the only credential; a revoked one is a 404."""

    def work(token: str) -> Response:
        with dashboard.database.unit_of_work() as session:
            found = web_access.feed(session, token)
            if found is None:
                return Response("No such calendar.", status_code=404, media_type="text/plain", headers=SECURITY_HEADERS)
            user, raw = found
            query = filters.parse(_flat(raw), parse_qs(raw))
            rows = listing.requests_for(session, query.filter_for(user.id), dashboard.today(), EXPORT_LIMIT)
            data = exports.ics_of(rows, dashboard.clock())
        return Response(data, media_type="text/calendar; charset=utf-8", headers=SECURITY_HEADERS)

    async def endpoint(request: Request) -> Response:
        return await run_in_threadpool(work, str(request.path_params.get("token", ""))[:100])

    return endpoint


# --- projects and authorities -----------------------------------------------------


def projects_page(visit: Visit) -> Response:
    mine = projects.projects_of(visit.session, visit.user)
    counts = projects.request_counts(visit.session, visit.user)
    return visit.render("projects.html", title="Projects and batches", projects=mine, counts=counts)


def project_page(visit: Visit) -> Response:
    project = projects.owned_project(visit.session, visit.user, visit.int_param("project_id"))
    if project is None:
        raise NotFound
    today = visit.dashboard.today()
    wanted = listing.Filter(owner_id=visit.user.id, project_id=project.id)
    found = listing.find(visit.session, wanted, today, 0, None)
    stats = by_authority(statistics.records(visit.session, [item.id for item in found.items]), today)
    query = filters.ListQuery(project=project.name)
    return visit.render(
        "project.html", title=project.name, project=project, found=found, stats=stats, today=today, query=query,
        chart=reply_times_svg(stats),
    )  # fmt: skip


def authorities_page(visit: Visit) -> Response:
    stats = statistics.authorities(visit.session, visit.dashboard.today())
    stats.sort(key=lambda s: (-s.requests, s.authority.lower()))
    return visit.render("authorities.html", title="Authorities", stats=stats, chart=reply_times_svg(stats))


ROUTES = [
    ("/requests", requests_page, ["GET"]),
    ("/requests.csv", requests_csv, ["GET"]),
    ("/requests.ics", requests_ics, ["GET"]),
    ("/feeds", feeds_page, ["GET"]),
    ("/feeds/new", new_feed, ["POST"]),
    ("/feeds/{feed_id}/revoke", revoke_feed, ["POST"]),
    ("/projects", projects_page, ["GET"]),
    ("/projects/{project_id}", project_page, ["GET"]),
    ("/authorities", authorities_page, ["GET"]),
]
