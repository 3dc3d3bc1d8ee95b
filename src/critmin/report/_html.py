"""Building blocks shared by the HTML reports: style, tables, figures, the page.

Every report is one self-contained file: plotly.js from the installed Plotly
package is inlined once, before the first figure, and nothing is fetched from
the internet.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#1d2733;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #d0d7de;padding-bottom:.3rem}h3{font-size:1rem;margin-top:1.4rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.muted{color:#57606a;font-size:.85rem}.pill{background:#fde2e1;border-radius:.6rem;
padding:0 .4rem;margin-right:.2rem;white-space:nowrap}
.side{display:grid;grid-template-columns:minmax(0,1fr) 330px;gap:1rem;align-items:start}
@media (max-width:900px){.side{grid-template-columns:minmax(0,1fr)}}
pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.6rem;font-size:.8rem;overflow:auto;
max-height:40rem}nav a{margin-right:.8rem}h4{font-size:.9rem;margin:1rem 0 .2rem}
.tbl{overflow-x:auto;max-width:100%}
"""

#: A number format: a format spec such as ``",.0f"``, or a function of the value.
NumberFormat = str | Callable[[float], str]


def table_html(
    frame: pd.DataFrame,
    *,
    formats: Mapping[str, NumberFormat] | None = None,
    headings: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """An HTML table of ``frame``.

    Parameters
    ----------
    frame
        The rows to show: floats are formatted and right-aligned (NaN shows as
        an empty cell), lists and tuples become pills, anything else is text.
    formats
        Per column: a format spec for floats (default ``",.3f"``) or a function
        of the value returning the text.
    headings
        Per column: the heading shown instead of the column name.
    titles
        Per column: a tooltip for the heading (e.g. the parameter's description).

    Returns
    -------
    str
        ``<div class="tbl"><table>...</table></div>`` (the div scrolls wide tables).
    """
    formats = formats or {}
    headings = headings or {}
    titles = titles or {}
    head = []
    for col in frame.columns:
        tip = titles.get(str(col))
        attr = f' title="{html.escape(tip)}"' if tip else ""
        head.append(f"<th{attr}>{html.escape(headings.get(str(col), str(col)))}</th>")
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for col, value in zip(frame.columns, row, strict=True):
            if isinstance(value, float):
                cells.append(f'<td class="num">{_number(value, formats.get(str(col)))}</td>')
            elif isinstance(value, list | tuple):
                pills = "".join(f'<span class="pill">{html.escape(str(v))}</span>' for v in value)
                cells.append(f"<td>{pills}</td>")
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="tbl"><table><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _number(value: float, fmt: NumberFormat | None) -> str:
    if pd.isna(value):
        return ""
    if callable(fmt):
        return html.escape(fmt(value))
    return format(value, fmt or ",.3f")


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
