"""Generated sections of Markdown documents (docs/data.md, docs/validation.md).

A section is the text between ``<!-- BEGIN generated:NAME -->`` and
``<!-- END generated:NAME -->``; the code that owns a document writes each one,
and a test checks that the committed document is current.
"""

from __future__ import annotations

import re

from critmin.errors import CritminError


def fill_sections(text: str, generated: dict[str, str]) -> str:
    """``text`` with every generated section replaced by its content.

    >>> doc = "<!-- BEGIN generated:x -->\\nold\\n<!-- END generated:x -->"
    >>> fill_sections(doc, {"x": "new\\n"})
    '<!-- BEGIN generated:x -->\\n\\nnew\\n\\n<!-- END generated:x -->'
    """
    for name, body in generated.items():
        begin, end = f"<!-- BEGIN generated:{name} -->", f"<!-- END generated:{name} -->"
        pattern = re.compile(f"({re.escape(begin)}\n).*?({re.escape(end)})", re.S)
        if not pattern.search(text):
            raise CritminError(
                f"markers for generated section {name!r} not found", allowed=f"{begin} ... {end}"
            )

        def replace(match: re.Match[str], body: str = body) -> str:
            return match.group(1) + "\n" + body + "\n" + match.group(2)

        text = pattern.sub(replace, text)
    return text
