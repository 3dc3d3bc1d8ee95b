"""Errors that users see.

Every error a user can cause has one message shape: *what* is wrong, *where*,
what was *given*, and what is *allowed*. The CLI turns a :class:`CritminError`
into that message and exit code 2; the HTTP layer turns it into a 4xx.
"""

from __future__ import annotations

from collections.abc import Iterable


class CritminError(ValueError):
    """A problem with user input, reported as what / where / given / allowed.

    Parameters
    ----------
    what
        What is wrong, e.g. ``"unknown mineral"``.
    where
        Where it was found: an option, a file and row, a table and column.
    given
        The value the user gave, as text.
    allowed
        What would have been accepted, as text (a list is joined with commas).
    """

    def __init__(
        self,
        what: str,
        *,
        where: str | None = None,
        given: object = None,
        allowed: str | Iterable[str] | None = None,
    ) -> None:
        self.what = what
        self.where = where
        self.given = given
        if allowed is not None and not isinstance(allowed, str):
            allowed = ", ".join(str(a) for a in allowed)
        self.allowed = allowed
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line message: ``where: what (given ...; allowed: ...)``."""
        head = f"{self.where}: {self.what}" if self.where else self.what
        parts = []
        if self.given is not None:
            parts.append(f"given {self.given!r}")
        if self.allowed:
            parts.append(f"allowed: {self.allowed}")
        return f"{head} ({'; '.join(parts)})" if parts else head


class DataPackageError(CritminError):
    """A data package that cannot be used; ``problems`` lists every finding."""

    def __init__(self, what: str, *, where: str | None = None, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(what, where=where)


def check_choice(value: str, allowed: Iterable[str], *, what: str, where: str) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise :class:`CritminError`.

    >>> check_choice("mining", ["mining", "refining"], what="unknown stage", where="--stage")
    'mining'
    """
    allowed = list(allowed)
    if value not in allowed:
        raise CritminError(what, where=where, given=value, allowed=allowed)
    return value
