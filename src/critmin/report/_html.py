"""Building blocks shared by the HTML reports: style, tables, figures, the page.

Every report is one self-contained file: plotly.js from the installed Plotly
package is inlined once, before the first figure, and nothing is fetched from
the internet.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from critmin import labels

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#1d2733;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #d0d7de;padding-bottom:.3rem}h3{font-size:1rem;margin-top:1.4rem}
table{border-collapse:collapse;font-size:.82rem;margin:.5rem 0;max-width:100%}
th,td{border:1px solid #d0d7de;padding:.2rem .4rem;text-align:left;vertical-align:top;
overflow-wrap:break-word}
th{background:#f3f5f7;font-weight:600}td.long{overflow-wrap:anywhere}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
@media (max-width:900px){table{font-size:.74rem}th,td{padding:.15rem .25rem}}
.muted{color:#57606a;font-size:.85rem}.pill{background:#fde2e1;border-radius:.6rem;
padding:0 .4rem;margin-right:.2rem;white-space:nowrap}
.side{display:grid;grid-template-columns:minmax(0,1fr) 330px;gap:1rem;align-items:start}
@media (max-width:900px){.side{grid-template-columns:minmax(0,1fr)}}
pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.6rem;font-size:.8rem;overflow:auto;
max-height:40rem;white-space:pre-wrap}nav a{margin-right:.8rem}h4{font-size:.9rem;
margin:1rem 0 .2rem}.tbl{max-width:100%}
.bottom{background:#f6f8fa;border-left:4px solid #cf222e;padding:.6rem 1rem;margin:1rem 0}
.bottom p{margin:.3rem 0}.bottom ul{margin:.3rem 0;padding-left:1.2rem}
sup.mark{color:#9a6700;font-weight:600;margin-left:.15rem;cursor:help}
summary{cursor:pointer;color:#0969da}
"""

#: Words longer than this many characters (URLs, DOIs) may break anywhere in a table.
LONG_WORD = 24

#: A number format: a format spec such as ``",.0f"``, or a function of the value.
NumberFormat = str | Callable[[float], str]


def table_html(
    frame: pd.DataFrame,
    *,
    formats: Mapping[str, NumberFormat] | None = None,
    headings: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
    marks: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """An HTML table of ``frame``.

    Parameters
    ----------
    frame
        The rows to show: numbers are formatted and right-aligned (NaN shows as
        an empty cell), lists and tuples become pills, anything else is text.
    formats
        Per column: a format spec for numbers or a function of the value
        returning the text; by default the glossary's format for the column
        (:func:`critmin.labels.format_value`).
    headings
        Per column: the heading shown; by default the glossary's label and
        unit (:func:`critmin.labels.heading`).
    titles
        Per column: a tooltip for the heading; by default the glossary's
        meaning of the column.
    marks
        Per column, one text per row: a mark shown after the value (for
        example ``"capped"`` or ``"estimated"``), empty for none.

    Returns
    -------
    str
        ``<div class="tbl"><table>...</table></div>``.
    """
    formats = formats or {}
    headings = headings or {}
    titles = titles or {}
    marks = marks or {}
    head = []
    for col in frame.columns:
        key = str(col)
        tip = titles.get(key) or labels.label(key).meaning
        attr = f' title="{html.escape(tip)}"' if tip else ""
        text = headings.get(key) or labels.heading(key)
        head.append(f"<th{attr}>{html.escape(text)}</th>")
    body = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = []
        for col, value in zip(frame.columns, row, strict=True):
            key = str(col)
            mark = marks[key][i] if key in marks else ""
            sup = f'<sup class="mark" title="{html.escape(mark)}">{html.escape(mark)}</sup>'
            after = sup if mark else ""
            if isinstance(value, list | tuple):
                pills = " ".join(f'<span class="pill">{html.escape(str(v))}</span>' for v in value)
                cells.append(f"<td>{pills}{after}</td>")
            elif _is_number(value):
                text = _number(key, float(value), formats.get(key))
                cells.append(f'<td class="num">{text}{after}</td>')
            else:
                text = "" if value is None else labels.format_value(key, value)
                # a long unbroken word (a URL) may break anywhere; others only between words
                wide = ' class="long"' if any(len(w) > LONG_WORD for w in text.split()) else ""
                cells.append(f"<td{wide}>{html.escape(text)}{after}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="tbl"><table><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _number(key: str, value: float, fmt: NumberFormat | None) -> str:
    if pd.isna(value):
        return ""
    if callable(fmt):
        return html.escape(fmt(value))
    if fmt is not None:
        return format(value, fmt)
    return html.escape(labels.format_value(key, value))


class Tables:
    """Turns frames into HTML tables and remembers their columns, for the glossary."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def __call__(self, frame: pd.DataFrame, **options: Any) -> str:
        """:func:`table_html` of ``frame``; its columns join the glossary."""
        self.keys += [str(c) for c in frame.columns if str(c) not in self.keys]
        return table_html(frame, **options)

    def glossary_html(self) -> str:
        """The glossary of every column shown so far: label, unit, JSON key, meaning."""
        keys = [k for k in self.keys if k in labels.LABELS]
        frame = labels.glossary(keys)
        return table_html(
            frame,
            headings={"label": "Label", "unit": "Unit", "key": "Key in JSON and CSV"},
            titles={"key": "the column of summary.csv or the key of summary.json"},
        )


def figure_html(fig: go.Figure, *, first: bool) -> str:
    """A figure as an HTML fragment; ``first`` inlines plotly.js (once per page)."""
    return str(
        pio.to_html(
            fig,
            include_plotlyjs=True if first else False,
            full_html=False,
            config={"displaylogo": False, "responsive": True},
        )
    )


class Figures:
    """Turns figures into HTML fragments, inlining plotly.js with the first one."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, fig: go.Figure) -> str:
        """The HTML fragment of ``fig``."""
        self.count += 1
        return figure_html(fig, first=self.count == 1)


def page(title: str, body: str) -> str:
    """A complete HTML document with the shared style."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def write_page(path: Path, title: str, body: str) -> Path:
    """Write :func:`page` to ``path`` (creating folders) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(title, body), encoding="utf-8")
    return path
