"""A list's filter, sort and page as a URL query string, both ways (bad values are dropped, never an error)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from foi.tracking import GROUP_LABELS, StatusGroup
from service.listing import SORTS, Filter

MAX_TEXT = 100


@dataclass(frozen=True)
class ListQuery:
    groups: tuple[StatusGroup, ...] = ()
    project: str = ""
    tag: str = ""
    authority: str = ""
    due_before: dt.date | None = None
    text: str = ""
    sort: str = "due"
    descending: bool = False
    page: int = 0

    def filter_for(self, owner_id: int) -> Filter:
        return Filter(
            owner_id=owner_id,
            groups=frozenset(self.groups),
            due_before=self.due_before,
            project_name=self.project or None,
            tag=self.tag or None,
            authority=self.authority or None,
            text=self.text or None,
        )

    def query(self, **changes: object) -> str:
        """This query as a URL query string, with ``changes`` made (the page goes back to the first)."""
        changed = replace(self, **({"page": 0} | changes))  # type: ignore[arg-type]
        pairs: list[tuple[str, str]] = [("status", g.value) for g in changed.groups]
        for name in ("project", "tag", "authority", "text"):
            if getattr(changed, name):
                pairs.append((name if name != "text" else "q", getattr(changed, name)))
        if changed.due_before:
            pairs.append(("due_before", changed.due_before.isoformat()))
        if changed.sort != "due":
            pairs.append(("sort", changed.sort))
        if changed.descending:
            pairs.append(("desc", "1"))
        if changed.page:
            pairs.append(("page", str(changed.page + 1)))
        return urlencode(pairs)

    def filters_only(self) -> str:
        """The query without sort or page: what a calendar feed keeps."""
        return replace(self, sort="due", descending=False, page=0).query()


def parse(params: Mapping[str, str], multi: Mapping[str, list[str]]) -> ListQuery:
    """Read a list query from URL parameters; anything unknown or malformed is ignored."""
    groups = []
    for value in multi.get("status", []):
        try:
            group = StatusGroup(value)
        except ValueError:
            continue
        if group not in groups:
            groups.append(group)
    due_before = None
    try:
        due_before = dt.date.fromisoformat(params.get("due_before", "")[:10]) if params.get("due_before") else None
    except ValueError:
        due_before = None
    try:
        page = max(0, min(int(params.get("page", "1")) - 1, 100_000))
    except ValueError:
        page = 0
    sort = params.get("sort", "due")
    return ListQuery(
        groups=tuple(groups),
        project=params.get("project", "").strip()[:MAX_TEXT],
        tag=params.get("tag", "").strip()[:MAX_TEXT],
        authority=params.get("authority", "").strip()[:MAX_TEXT],
        due_before=due_before,
        text=params.get("q", "").strip()[:MAX_TEXT],
        sort=sort if sort in SORTS else "due",
        descending=params.get("desc") == "1",
        page=page,
    )


GROUP_CHOICES = [(group.value, label) for group, label in GROUP_LABELS.items()]
