"""The ``critmin`` command line: ``critmin --help`` lists the commands."""

from __future__ import annotations

from critmin.cli import simulate as _simulate  # noqa: F401  (registers its commands)
from critmin.cli.app import app, main

__all__ = ["app", "main"]
