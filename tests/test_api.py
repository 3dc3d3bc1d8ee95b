"""The public API is explicit and importable."""

from __future__ import annotations

import critmin
from critmin import risk


def test_all_is_curated_and_importable() -> None:
    assert critmin.__all__ == [
        "CritminError",
        "DataPackageError",
        "World",
        "__version__",
        "load_world",
    ]
    for name in critmin.__all__:
        assert hasattr(critmin, name)


def test_risk_all_names_exist() -> None:
    for name in risk.__all__:
        assert hasattr(risk, name), name
    assert {"concentration", "geopolrisk", "priorities", "eu_supply_risk"} <= set(risk.__all__)


def test_package_ships_py_typed() -> None:
    from importlib import resources

    assert resources.files("critmin").joinpath("py.typed").is_file()
