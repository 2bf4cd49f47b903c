"""Screens for many requests: the filtered list, a batch's letters and table, a body's record."""

from __future__ import annotations

import datetime as dt

from bot.screens import Button, Screen, esc
from foi.statistics import AuthorityStats
from foi.tracking import GROUP_LABELS, StatusGroup
from service.batches import Progress
from service.digests import Digest
from service.digests import Item as DigestItem
from service.listing import Filter, Page

GROUP_BUTTONS = [
    [(StatusGroup.OVERDUE, "⚠️"), (StatusGroup.WAITING, "⏳"), (StatusGroup.ANSWERED, "✅")],
    [(StatusGroup.REFUSED, "🚫"), (StatusGroup.REVIEW, "🔁"), (StatusGroup.COMPLAINT, "⚖️")],
]


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def status_text(status: str) -> str:
    return status.replace("_", " ")


def requests_list(page: Page, wanted: Filter, labels: dict[str, str]) -> Screen:
    """One page of a filtered list, with the buttons that change the filter and export it."""
    filtered = wanted.groups or wanted.project_id or wanted.tag or wanted.authority
    heading = "<b>Your requests</b>"
    if filtered:
        heading += f" — {esc(describe(wanted, labels))}"
    if page.total == 0:
        text = heading + ("\n\nNothing matches. " if filtered else "\n\nYou have not sent any requests yet. ")
        text += "/new writes a request, /batch one to many bodies."
        return Screen(text, _filter_buttons(wanted, exportable=False))
    lines = [f"{heading} ({page.total}) — page {page.page + 1} of {page.pages}\n"]
    buttons: list[list[Button]] = []
    row: list[Button] = []
    for number, item in enumerate(page.items, start=page.page * 10 + 1):
        due = f"next {_day(item.next_due_on)}" if item.next_due_on else ""
        flag = " ⚠️ <b>overdue</b>" if item.overdue else ""
        tags = " " + " ".join(f"#{esc(t)}" for t in item.tags) if item.tags else ""
        lines.append(
            f"{number}. <b>{esc(item.reference or '—')}</b> {esc(item.title[:50])}\n"
            f"   {esc(item.authority[:45])} · {status_text(item.status)}" + (f" · {due}" if due else "") + flag + tags
        )
        row.append((f"{number}. {item.reference or item.title[:18]}", f"r:{item.id}"))
        if len(row) == 2:
            buttons.append(row)
            row = []
    if row:
        buttons.append(row)
    nav: list[Button] = []
    if page.page > 0:
        nav.append(("⬅ Previous", f"rl:{page.page - 1}"))
    if page.page < page.pages - 1:
        nav.append(("Next ➡", f"rl:{page.page + 1}"))
    if nav:
        buttons.append(nav)
    return Screen("\n".join(lines), buttons + _filter_buttons(wanted, exportable=True))


def describe(wanted: Filter, labels: dict[str, str]) -> str:
    parts = [GROUP_LABELS[g].lower() for g in sorted(wanted.groups)]
    if wanted.project_id is not None:
        parts.append(f"project {labels.get('project', '?')}")
    if wanted.tag:
        parts.append(f"#{wanted.tag}")
    if wanted.authority:
        parts.append(f"to “{wanted.authority}”")
    return ", ".join(parts)


def _filter_buttons(wanted: Filter, exportable: bool) -> list[list[Button]]:
    rows: list[list[Button]] = []
    for line in GROUP_BUTTONS:
        rows.append(
            [
                (("• " if group in wanted.groups else "") + f"{icon} {GROUP_LABELS[group]}", f"lf:{group.value}")
                for group, icon in line
            ]
        )
    rows.append([("📁 Projects", "lpp"), ("🏷 Tags", "ltt"), ("🏛 Body", "lb"), ("✖ All", "l0")])
    if exportable:
        export = [("⬇ CSV", "xc"), ("📅 Calendar", "xi")]
        if wanted.project_id is not None:
            export.append(("🗂 All emails (zip)", "xz"))
        rows.append(export)
    return rows


def batch_preview(project_name: str, project_id: int, letters: list[tuple[str, str, str]], shown: int) -> Screen:
    """Letter ``shown`` of a batch in full, with the list of bodies and what can be done."""
    reference, body_name, text = letters[shown]
    names = ", ".join(esc(name) for _, name, _ in letters[:12]) + (" …" if len(letters) > 12 else "")
    header = (
        f"<b>Batch: {esc(project_name)}</b> — {len(letters)} letters, one request each, to: {names}\n\n"
        f"<b>Letter {shown + 1} of {len(letters)}</b> — to {esc(body_name)} ({esc(reference)}):\n\n"
    )
    nav: list[Button] = []
    if shown > 0:
        nav.append(("⬅ Previous letter", f"bv:{project_id}:{shown - 1}"))
    if shown < len(letters) - 1:
        nav.append(("Next letter ➡", f"bv:{project_id}:{shown + 1}"))
    buttons = [nav] if nav else []
    buttons += [[(f"📤 Send all {len(letters)}", f"bs:{project_id}")], [("🗑 Delete this batch", f"bx:{project_id}")]]
    return Screen(header + f"<pre>{esc(text[:2800])}</pre>", buttons)


def batch_table(project_name: str, project_id: int, progress: Progress, page: int, per_page: int = 10) -> Screen:
    pages = max(1, (len(progress.rows) + per_page - 1) // per_page)
    page = max(0, min(page, pages - 1))
    next_send = f" · next at {progress.next_send_at:%H:%M} UTC" if progress.next_send_at else ""
    lines = [
        f"<b>Batch: {esc(project_name)}</b> — {progress.total} bodies · {progress.sent} sent · "
        f"{progress.waiting_to_go} waiting to go{next_send} · {progress.replied} replied"
        + (f" · page {page + 1} of {pages}" if pages > 1 else "")
        + "\n"
    ]
    buttons: list[list[Button]] = []
    for row in progress.rows[page * per_page : (page + 1) * per_page]:
        due = f" · due {_day(row.due)}" if row.due else ""
        lines.append(
            f"<b>{esc(row.reference or '—')}</b> {esc(row.authority[:40])}\n"
            f"   {status_text(row.status)}{due} · {esc(row.came_back)}"
        )
    nav: list[Button] = []
    if page > 0:
        nav.append(("⬅ Previous", f"bt:{project_id}:{page - 1}"))
    if page < pages - 1:
        nav.append(("Next ➡", f"bt:{project_id}:{page + 1}"))
    if nav:
        buttons.append(nav)
    if progress.waiting_to_go:
        buttons.append([("↩️ Take back what has not gone", f"br:{project_id}")])
    elif progress.drafts:
        buttons.append(
            [(f"📤 Send the {progress.drafts} not sent", f"bs:{project_id}"), ("👁 Letters", f"bv:{project_id}:0")]
        )
    buttons.append(
        [("⬇ CSV", f"bc:{project_id}"), ("📅 Calendar", f"bi:{project_id}"), ("🗂 Emails", f"bz:{project_id}")]
    )
    buttons.append([("📊 Record of these bodies", f"bk:{project_id}")])
    return Screen("\n".join(lines), buttons)


def authority_record(stats: AuthorityStats) -> str:
    """One body's record on this instance, every share with its count."""
    if not stats.requests:
        return f"<b>{esc(stats.authority)}</b>: no requests sent through this bot yet."
    median = (
        f"median {stats.median_working_days:g} working days to a reply (of {stats.replied})"
        if stats.median_working_days is not None
        else "no substantive reply yet"
    )
    lines = [
        f"<b>{esc(stats.authority)}</b> — {stats.requests} requests through this bot",
        f"• {median}",
        f"• replied late: {stats.late}",
        f"• still waiting and overdue: {stats.overdue_now}",
        f"• refused, in part or whole: {stats.withheld}",
    ]
    if stats.exemptions:
        lines.append("• exemptions cited: " + ", ".join(f"{esc(n)} ×{c}" for n, c in stats.exemptions[:5]))
    if stats.reviews_requested:
        results = ", ".join(f"{count} {name}" for name, count in sorted(stats.review_results.items()))
        read = f" ({results})" if results else ""
        lines.append(f"• internal reviews: {stats.reviews_requested} asked, {stats.reviews_decided} decided{read}")
    if stats.requests < 5:
        lines.append("\n<i>A small sample: a few requests say little about a body.</i>")
    return "\n".join(lines)


def digest_screen(digest: Digest) -> Screen:
    """The digest: what needs the user's action, what arrived, what is overdue and what falls due this week."""
    lines = [f"🗞 <b>Your FOI digest</b> — {digest.open_requests} open requests"]
    buttons: list[list[Button]] = []
    seen: set[int] = set()

    def section(title: str, items: list[DigestItem], dated: bool) -> None:
        if not items:
            return
        lines.append(f"\n<b>{title}</b> ({len(items)})")
        for item in items[:15]:
            day = f" — {_day(item.day)}" if dated and item.day else ""
            lines.append(f"• <b>{esc(item.reference)}</b> {esc(item.authority[:40])}: {esc(item.what)}{day}")
            if item.request_id not in seen and len(buttons) < 10:
                seen.add(item.request_id)
                buttons.append([(f"{item.reference} {item.authority[:30]}", f"r:{item.request_id}")])
        if len(items) > 15:
            lines.append(f"… and {len(items) - 15} more: /requests")

    section("Needs your action", digest.actions, dated=True)
    section("Arrived", digest.arrived, dated=True)
    section("Overdue", digest.overdue, dated=True)
    section("Falling due in the next 7 days", digest.coming, dated=True)
    lines.append("\n/settings changes how often this comes, or turns it off.")
    return Screen("\n".join(lines), buttons)
