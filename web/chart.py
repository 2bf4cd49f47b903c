"""A small server-drawn SVG: each body's median working days to reply, against the 20-day limit.

No script and no CDN: the page works offline and the chart is readable
without colour (each bar carries its figure).
"""

from __future__ import annotations

from html import escape

from foi.statistics import AuthorityStats

ROW = 22
LABEL = 230
WIDTH = 640
LIMIT_DAYS = 20


def reply_times_svg(stats: list[AuthorityStats], limit: int = 25) -> str:
    """Return an inline SVG of median reply times, slowest first, or "" when no body has replied yet."""
    rows = sorted((s for s in stats if s.median_working_days is not None), key=lambda s: -(s.median_working_days or 0))
    rows = rows[:limit]
    if not rows:
        return ""
    most = max(max(s.median_working_days or 0 for s in rows), LIMIT_DAYS * 1.5)
    scale = (WIDTH - LABEL - 60) / most
    height = ROW * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-title" class="chart">',
        '<title id="chart-title">Median working days to reply, by body</title>',
    ]
    for index, row in enumerate(rows):
        y = index * ROW + 4
        days = row.median_working_days or 0
        late = days > LIMIT_DAYS
        name = row.authority if len(row.authority) <= 34 else row.authority[:33] + "…"
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 14}" text-anchor="end" class="label">{escape(name)}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{max(days * scale, 1):.1f}" height="{ROW - 6}" '
            f'class="{"bar late" if late else "bar"}"><title>{escape(row.authority)}: {days:g} working days'
            f"</title></rect>"
            f'<text x="{LABEL + days * scale + 6:.1f}" y="{y + 14}" class="figure">{days:g}</text>'
        )
    x = LABEL + LIMIT_DAYS * scale
    bottom = ROW * len(rows) + 4
    parts.append(
        f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{bottom}" class="limit"/>'
        f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" class="figure">20 working days</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
