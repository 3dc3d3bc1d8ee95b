"""Priority designation from documented thresholds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from critmin import countries
from critmin.errors import CritminError
from critmin.risk._common import Indicator, _check_country, eu_parameters
from critmin.risk.concentration import concentration
from critmin.risk.exposure import _latest_by_mineral, _nir_rows
from critmin.world.load import World

# ---------------------------------------------------------------------------
# priorities
# ---------------------------------------------------------------------------


class Thresholds(BaseModel):
    """Thresholds above which an indicator flags a mineral (value >= threshold).

    Defaults and their sources are in docs/methods.md. Build from a dict (for
    example a YAML or JSON file) with :meth:`from_dict`, which rejects unknown keys.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    hhi: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="HHI [0-1]; 0.25 = 2,500 points, 'highly concentrated'.",
    )
    top_share: float = Field(
        default=0.5, ge=0, le=1, description="Largest producer's share [share]."
    )
    china_share: float = Field(default=0.5, ge=0, le=1, description="China's share [share].")
    nir_share: float = Field(default=0.5, ge=0, le=1, description="Consumer's net import reliance.")
    outside_group_share: float = Field(
        default=0.5, ge=0, le=1, description="Share from outside the group [share]."
    )
    eu_sr: float = Field(
        default=1.0, ge=0, description="EU supply risk SR [0-10]; EU threshold 1.0."
    )
    min_indicators: int = Field(
        default=4, ge=1, le=len(Indicator), description="Indicators a priority mineral must meet."
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "thresholds") -> Thresholds:
        """Thresholds from a mapping; unknown keys and bad values raise CritminError."""
        if not isinstance(data, Mapping):
            raise CritminError(
                "thresholds must be a mapping", where=where, given=data, allowed="key: value pairs"
            )
        fields = list(cls.model_fields)
        unknown = sorted(str(k) for k in data if k not in fields)
        if unknown:
            raise CritminError(
                "unknown threshold", where=where, given=", ".join(unknown), allowed=fields
            )
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else ""
            info = cls.model_fields[name] if name in cls.model_fields else None
            allowed = info.description if info is not None and info.description else None
            raise CritminError(
                f"invalid threshold: {error['msg']}",
                where=f"{where}.{name}",
                given=error.get("input"),
                allowed=_range_text(name) + (f" ({allowed})" if allowed else ""),
            ) from None

    @classmethod
    def from_file(cls, path: Path | str, *, where: str = "--thresholds") -> Thresholds:
        """Thresholds from a YAML or JSON file of threshold names and numbers."""
        path = Path(path)
        if not path.is_file():
            raise CritminError("thresholds file not found", where=where, given=str(path))
        allowed = "a YAML or JSON mapping of threshold names to numbers"
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise CritminError(
                f"cannot parse thresholds file: {exc}".splitlines()[0],
                where=str(path),
                allowed=allowed,
            ) from None
        if not isinstance(content, dict):
            raise CritminError(
                "thresholds file must hold a mapping",
                where=str(path),
                given=type(content).__name__,
                allowed=allowed,
            )
        return cls.from_dict(content, where=str(path))


def _range_text(name: str) -> str:
    if name == "min_indicators":
        return f"an integer from 1 to {len(Indicator)}"
    if name == "eu_sr":
        return "a number >= 0"
    return "a number from 0 to 1"


#: Column of :func:`concentration` (plus eu_sr) behind each concentration indicator.
_STAGE_INDICATORS = {
    Indicator.HHI: "hhi",
    Indicator.TOP_SHARE: "top_share",
    Indicator.CHINA_SHARE: "china_share",
    Indicator.OUTSIDE_GROUP_SHARE: "outside_group_share",
    Indicator.EU_SR: "eu_sr",
}


def priorities(
    world: World,
    *,
    thresholds: Thresholds | Mapping[str, Any] | None = None,
    year: int | None = None,
    group: str | Iterable[str] = countries.ALLIANCE,
    consumer: str = "USA",
) -> pd.DataFrame:
    """Rank minerals by the number of supply-risk indicators they meet.

    Parameters
    ----------
    world
        The dataset.
    thresholds
        :class:`Thresholds`, or a mapping of threshold names to values; None for
        the defaults.
    year
        Calendar year [year]; None for the latest data of each mineral and stage.
    group
        Country group for ``outside_group_share`` (see :func:`concentration`).
    consumer
        ISO3 code of the consumer whose net import reliance is an indicator.

    Returns
    -------
    pandas.DataFrame
        One row per mineral with data: ``rank``, ``mineral``, ``score`` (number
        of indicators met), ``is_priority`` (score >= ``min_indicators``),
        ``indicators_met`` (list of names), ``bottleneck_stage``, and for each
        indicator ``<name>_value``, ``<name>_threshold``, ``<name>_stage`` and
        ``<name>_year`` (stage "" for net import reliance). Ranked by score,
        then bottleneck HHI, both descending, then mineral id.

    Notes
    -----
    A stage-level indicator is met if any stage meets it; its value, stage and
    year are those of the stage with the highest value (for the HHI, the
    bottleneck stage). ``eu_sr`` is the EU supply risk with global supply as
    the EU-sourcing proxy, :math:`t_c = 1` and :math:`SI_{SR}` from
    ``eu_crm_parameters`` (1 when absent):
    :math:`10 \\cdot HHI_g \\cdot (1 - EoL_{RIR}) \\cdot SI_{SR}`. A missing net import
    reliance is NaN and not met.
    """
    if thresholds is None:
        limits = Thresholds()
    elif isinstance(thresholds, Thresholds):
        limits = thresholds
    else:
        limits = Thresholds.from_dict(thresholds)
    consumer = _check_country(consumer, where="consumer")
    conc = concentration(world, year=year, group=group)
    eol = world.minerals.set_index("mineral")["eol_rir_share"].astype(float)
    eol_m = conc["mineral"].map(eol).fillna(0.0).to_numpy()
    si_sr = {m: eu_parameters(world, m)[1] for m in set(conc["mineral"])}
    si_m = conc["mineral"].map(lambda m: 1.0 if si_sr[m] is None else si_sr[m]).to_numpy()
    conc = conc.assign(
        eu_sr=10.0 * conc["gov_weighted_hhi"].to_numpy() * (1.0 - eol_m) * si_m.astype(float)
    )
    minerals = sorted(set(conc["mineral"]))
    out = pd.DataFrame({"mineral": minerals})
    for indicator, column in _STAGE_INDICATORS.items():
        pick = conc.loc[conc.groupby("mineral")[column].idxmax()].set_index("mineral")
        out[f"{indicator}_value"] = out["mineral"].map(pick[column]).astype(float)
        out[f"{indicator}_stage"] = out["mineral"].map(pick["stage"])
        out[f"{indicator}_year"] = out["mineral"].map(pick["year"]).astype("Int64")
    nir = _latest_by_mineral(_nir_rows(world, consumer), year)
    nir = nir.set_index("mineral") if not nir.empty else pd.DataFrame(columns=["nir_share", "year"])
    out["nir_share_value"] = out["mineral"].map(nir["nir_share"]).astype(float)
    out["nir_share_stage"] = ""
    out["nir_share_year"] = out["mineral"].map(nir["year"]).astype("Int64")
    names = [str(i) for i in Indicator]
    for name in names:
        out[f"{name}_threshold"] = float(getattr(limits, name))
    values = out[[f"{n}_value" for n in names]].to_numpy(dtype=float)
    limits_arr = out[[f"{n}_threshold" for n in names]].to_numpy(dtype=float)
    met = np.nan_to_num(values, nan=-np.inf) >= limits_arr
    out["score"] = met.sum(axis=1).astype("int64")
    out["is_priority"] = out["score"] >= limits.min_indicators
    labels = np.array(names, dtype=object)
    out["indicators_met"] = [labels[row].tolist() for row in met]
    out["bottleneck_stage"] = out["hhi_stage"]
    out = out.sort_values(
        ["score", "hhi_value", "mineral"], ascending=[False, False, True]
    ).reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    per_indicator = [
        f"{n}_{part}" for n in names for part in ("value", "threshold", "stage", "year")
    ]
    head = ["rank", "mineral", "score", "is_priority", "indicators_met", "bottleneck_stage"]
    return out[head + per_indicator]
