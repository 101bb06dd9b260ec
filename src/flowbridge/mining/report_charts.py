"""Small inline SVG charts and HTML building blocks for the report: bars, tables, figures.

Plain strings, escaped here: a value is text unless it is :class:`Html`, so
an activity named ``<b>`` shows as written and never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from flowbridge.mining.mapsvg import duration_text

BAR = "#4a78b5"
CHART_W, CHART_H = 640.0, 180.0


class Html(str):
    """Markup built by this library, inserted as it is."""

    __slots__ = ()


def text(value: object) -> Html:
    """``value`` as escaped text (markup passes through unchanged)."""
    if isinstance(value, Html):
        return value
    return Html(escape(str(value)))


def number(value: float | int | None) -> str:
    if value is None:
        return "–"  # noqa: RUF001
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.1%}"  # noqa: RUF001


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: int = 0) -> Html:
    """A table; the last ``numeric`` columns are right-aligned figures."""
    count = len(headers)
    first_number = count - numeric

    def cells(values: Sequence[object], tag: str) -> str:
        return "".join(
            f'<{tag} class="num">{text(v)}</{tag}>'
            if i >= first_number
            else f"<{tag}>{text(v)}</{tag}>"
            for i, v in enumerate(values)
        )

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    return Html(
        f"<table><thead><tr>{cells(headers, 'th')}</tr></thead><tbody>{body}</tbody></table>"
    )


def figures(items: Sequence[tuple[str, str]]) -> Html:
    """Key figures as tiles: (label, value)."""
    tiles = "".join(
        f'<div class="tile"><div class="value">{text(value)}</div>'
        f'<div class="label">{text(label)}</div></div>'
        for label, value in items
    )
    return Html(f'<div class="tiles">{tiles}</div>')


def bar_chart(bars: Sequence[tuple[str, float, str]], *, caption: str) -> Html:
    """Vertical bars: (axis label, value, tooltip). Labels are thinned out to fit."""
    if not bars:
        return Html("")
    top = max(value for _label, value, _tip in bars) or 1.0
    step = CHART_W / len(bars)
    every = max(1, round(len(bars) / 8))  # about eight axis labels, whatever the count
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fb-chart" role="img" '
        f'aria-label="{escape(caption, quote=True)}" font-size="10" fill="#1d2733" '
        # Room either side for the first and last axis label.
        f'viewBox="-36 0 {CHART_W + 72:g} {CHART_H + 34:g}">',
        f'<line x1="0" y1="{CHART_H:g}" x2="{CHART_W:g}" y2="{CHART_H:g}" stroke="#b9c2cc"/>',
    ]
    for i, (label, value, tip) in enumerate(bars):
        height = (CHART_H - 14) * value / top
        x = i * step
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{CHART_H - height:.1f}" '
            f'width="{max(step * 0.8, 1):.1f}" height="{height:.1f}" fill="{BAR}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{CHART_H + 14:g}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    parts.append(
        f'<text x="{CHART_W:g}" y="10" text-anchor="end" fill="#5a6673">'
        f"{escape(number(int(top)) if top == int(top) else number(top))}</text></svg>"
    )
    return Html("".join(parts))


def duration_range(low: float, high: float) -> str:
    return f"{duration_text(low)}–{duration_text(high)}"  # noqa: RUF001
