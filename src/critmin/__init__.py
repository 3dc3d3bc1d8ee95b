"""critmin: an open model and decision-support tool for critical-minerals supply security.

The public API is listed in ``__all__``; everything else is internal.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("critmin")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from critmin.errors import CritminError, DataPackageError
from critmin.world.load import World, load_world

__all__ = [
    "CritminError",
    "DataPackageError",
    "World",
    "__version__",
    "load_world",
]
