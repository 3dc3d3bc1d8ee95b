"""The ``critmin`` command line: ``critmin --help`` lists the commands."""

from __future__ import annotations

# importing the command modules registers their commands on the app
from critmin.cli import data as _data  # noqa: F401
from critmin.cli import dependence as _dependence  # noqa: F401
from critmin.cli import finance as _finance  # noqa: F401
from critmin.cli import simulate as _simulate  # noqa: F401
from critmin.cli.app import app, main

__all__ = ["app", "main"]
