"""Streaming statistics whose results depend neither on the batches nor on their order.

Memory is fixed by the number of bins, not by the number of paths. Exactness:
paths come in whole chunks of :data:`critmin.engine.events.CHUNK`. A batch of
chunks is reduced on its own into a *partial* (:meth:`Sum.partial`,
:meth:`Histogram.partial`, :meth:`MineralStats.partial`) that keeps each
chunk's float sums apart; partials are merged in any order of arrival, keyed
by their first chunk, and folded in chunk order (:meth:`MineralStats.merge`),
so every float sum is computed in the same order whatever the batch size and
whatever order the batches finish in. Counts are integers, and minima and
maxima are order-free, so histograms and extremes are exact too.

Which statistics are kept is read from :data:`critmin.engine.outputs.OUTPUTS`
(each statistic names its per-path source and its reduction). Batches are
path-last, like the kernel's trajectories: every array has the path as its
last axis. The reductions are numba-compiled loops over the paths of each
chunk in order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numba import njit

from critmin.engine.events import CHUNK
from critmin.engine.kernel import Trajectories
from critmin.engine.outputs import (
    CAUSES,
    FAN_QUANTILES,
    FIGURES,
    HISTOGRAM_REDUCTIONS,
    OUTPUTS,
    QUANTILES,
    SEGMENTS,
    SUM_REDUCTIONS,
    OutputKind,
    PerPath,
    Reduction,
    Scale,
    per_path,
)
from critmin.model import MineralMarket, MineralPolicies

_JIT: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}


def chunk_bounds(sizes: list[int]) -> np.ndarray:
    """Start of each chunk of paths in a batch, and the end of the last: (len(sizes) + 1,)."""
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


@njit(**_JIT)
def _chunk_sums(
    values: np.ndarray, bounds: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """The sum of each chunk's paths: ``out[c, m]`` for chunk ``c`` and cell ``m``.

    ``values`` is (cells, paths). A chunk's paths are summed in a fixed order
    that depends only on the chunk's size (four interleaved running sums, then
    pairwise), so the sum is the same whatever the batch the chunk arrives in.
    """
    for c in range(bounds.shape[0] - 1):
        start, stop = bounds[c], bounds[c + 1]
        for m in range(values.shape[0]):
            a0 = a1 = a2 = a3 = 0.0
            p = start
            while p + 4 <= stop:
                a0 += values[m, p]
                a1 += values[m, p + 1]
                a2 += values[m, p + 2]
                a3 += values[m, p + 3]
                p += 4
            while p < stop:
                a0 += values[m, p]
                p += 1
            out[c, m] = (a0 + a1) + (a2 + a3)


@njit(**_JIT)
def _bin(edges: np.ndarray, v: float, guess: float) -> int:  # pragma: no cover - compiled
    """Number of ``edges`` at or below ``v``: ``np.searchsorted(edges, v, 'right')``.

    Tries the bin ``guess`` and its neighbours first, then bisects, so the
    result is exact for any increasing edges.
    """
    n = edges.shape[0]
    if v != v:
        return n  # NaN sorts last, as in NumPy
    g = int(min(max(guess, -1.0), n - 1.0)) + 1
    for _ in range(3):
        if g < n and edges[g] <= v:
            g += 1
        elif g > 0 and edges[g - 1] > v:
            g -= 1
        else:
            return g
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if edges[mid] <= v:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(**_JIT)
def _histogram(
    values: np.ndarray,
    edges: np.ndarray,
    log_scale: bool,
    bounds: np.ndarray,
    counts: np.ndarray,
    minimum: np.ndarray,
    maximum: np.ndarray,
    with_sums: bool,
    sums: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Bin ``values`` (cells, paths) into ``counts`` (cells, bins), chunk by chunk.

    ``edges`` has one row, or one row per cell. With ``with_sums``, the value
    sums of chunk ``c``'s paths in each bin go to ``sums[c]`` (chunks, cells,
    bins), zeros on entry; each is summed in path order.
    """
    cells = values.shape[0]
    # where the first edge is, and bins per unit, on the linear or log scale
    n = edges.shape[1]
    first = np.empty(edges.shape[0])
    per_unit = np.empty(edges.shape[0])
    for e in range(edges.shape[0]):
        lo, hi = edges[e, 0], edges[e, n - 1]
        if log_scale:
            lo, hi = math.log(lo), math.log(hi)
        first[e] = lo
        per_unit[e] = (n - 1) / (hi - lo) if hi > lo else 0.0
    # on log-spaced edges shared by all cells, the previous cell's bin of the same
    # path is the guess (cells are months or segments: close values), saving a log
    follow = log_scale and edges.shape[0] == 1
    previous = np.zeros(values.shape[1], np.int64)
    for c in range(bounds.shape[0] - 1):
        for m in range(cells):
            e = m if edges.shape[0] > 1 else 0
            row = edges[e]
            lo, scale = first[e], per_unit[e]
            low, high = minimum[m], maximum[m]
            for p in range(bounds[c], bounds[c + 1]):
                v = values[m, p]
                if follow and m > 0:
                    guess = previous[p] - 1.0
                elif log_scale:
                    guess = (math.log(v) - lo) * scale if v > 0 else -1.0
                else:
                    guess = (v - lo) * scale
                b = _bin(row, v, guess)
                previous[p] = b
                counts[m, b] += 1
                if with_sums:
                    sums[c, m, b] += v
                low = v if v < low else low
                high = v if v > high else high
            minimum[m] = low
            maximum[m] = high


def _cells(values: np.ndarray) -> np.ndarray:
    """``values`` (*shape, paths) as a C-contiguous float (cells, paths) array."""
    return np.ascontiguousarray(values, dtype=float).reshape(-1, values.shape[-1])


def _fold(total: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """``total`` plus each of ``parts`` (chunks, *shape) in turn, skipping exact zeros."""
    for part in parts:
        total = np.add(total, part, out=total.copy(), where=part != 0)
    return total


@dataclass
class SumPart:
    """A batch's contribution to a :class:`Sum`: each chunk's sum, (chunks, *shape)."""

    sums: np.ndarray
    count: int


@dataclass
class Sum:
    """An exact-order running sum over paths (the last axis of each batch)."""

    total: np.ndarray
    count: int = 0

    @classmethod
    def zeros(cls, shape: tuple[int, ...]) -> Sum:
        """A sum of arrays of ``shape``."""
        return cls(np.zeros(shape))

    def partial(self, values: np.ndarray, sizes: list[int]) -> SumPart:
        """A batch's chunk sums: ``values`` (*shape, paths), ``sizes`` its chunk sizes."""
        flat = _cells(values)
        out = np.zeros((len(sizes), flat.shape[0]))
        _chunk_sums(flat, chunk_bounds(sizes), out)
        return SumPart(out.reshape(len(sizes), *self.total.shape), int(sum(sizes)))

    def merge(self, part: SumPart) -> None:
        """Add a batch's chunk sums, one chunk after the other."""
        total = self.total
        for chunk in part.sums:
            total = total + chunk
        self.total = total
        self.count += part.count

    def add(self, values: np.ndarray, sizes: list[int]) -> None:
        """Add a batch (the next one in chunk order)."""
        self.merge(self.partial(values, sizes))

    @property
    def mean(self) -> np.ndarray:
        """Mean over the paths added."""
        return self.total / max(self.count, 1)


@dataclass
class HistogramPart:
    """A batch's contribution to a :class:`Histogram`."""

    counts: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray
    sums: np.ndarray | None  # (chunks, *shape, bins): each chunk's value sums per bin
    count: int


@dataclass
class Histogram:
    """Counts (and optionally value sums) of per-path values in fixed bins.

    ``edges`` are the bin edges (evenly spaced, or evenly spaced in log space
    with ``log_scale``; other increasing edges work too, more slowly); values
    below the first or above the last edge go to underflow and overflow bins
    (first and last). Leading dimensions (e.g. consumers or months) are kept:
    values have shape (*shape, paths). Extremes are exact. ``with_sums`` keeps
    per-bin sums, needed for :meth:`tail_mean`.
    """

    edges: np.ndarray
    shape: tuple[int, ...]
    with_sums: bool = False
    log_scale: bool = False
    counts: np.ndarray = field(init=False)
    sums: Sum = field(init=False)
    minimum: np.ndarray = field(init=False)
    maximum: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        nbins = self.edges.shape[-1] + 1
        self.counts = np.zeros((*self.shape, nbins), dtype=np.int64)
        self.sums = Sum.zeros((*self.shape, nbins))
        self.minimum = np.full(self.shape, np.inf)
        self.maximum = np.full(self.shape, -np.inf)

    def partial(self, values: np.ndarray, sizes: list[int]) -> HistogramPart:
        """A batch's counts, extremes and chunk bin sums; ``values`` (*shape, paths)."""
        cells = int(np.prod(self.shape)) if self.shape else 1
        nbins = self.edges.shape[-1] + 1
        counts = np.zeros((cells, nbins), dtype=np.int64)
        minimum = np.full(cells, np.inf)
        maximum = np.full(cells, -np.inf)
        sums = np.zeros((len(sizes), cells, nbins) if self.with_sums else (0, 0, 0))
        _histogram(
            _cells(values).reshape(cells, values.shape[-1]),
            np.ascontiguousarray(self.edges, dtype=float).reshape(-1, self.edges.shape[-1]),
            self.log_scale,
            chunk_bounds(sizes),
            counts,
            minimum,
            maximum,
            self.with_sums,
            sums,
        )
        return HistogramPart(
            counts.reshape(*self.shape, nbins),
            minimum.reshape(self.shape),
            maximum.reshape(self.shape),
            sums.reshape(len(sizes), *self.shape, nbins) if self.with_sums else None,
            int(sum(sizes)),
        )

    def merge(self, part: HistogramPart) -> None:
        """Add a batch's contribution (its bin sums one chunk after the other)."""
        self.counts = self.counts + part.counts
        self.minimum = np.minimum(self.minimum, part.minimum)
        self.maximum = np.maximum(self.maximum, part.maximum)
        if part.sums is not None:
            self.sums.total = _fold(self.sums.total, part.sums)
            self.sums.count += part.count

    def add(self, values: np.ndarray, sizes: list[int]) -> None:
        """Add a batch (the next one in chunk order)."""
        self.merge(self.partial(values, sizes))

    def _edges_of(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper edges of bin ``index`` (per cell)."""
        edges = np.broadcast_to(self.edges, (*self.shape, self.edges.shape[-1]))
        inf = np.full((*self.shape, 1), np.inf)
        lower = np.concatenate([-inf, edges], axis=-1)
        upper = np.concatenate([edges, inf], axis=-1)
        lo = np.take_along_axis(lower, index[..., None], -1)[..., 0]
        hi = np.take_along_axis(upper, index[..., None], -1)[..., 0]
        return lo, hi

    @property
    def n(self) -> int:
        """Number of paths added."""
        return (
            int(self.counts.reshape(-1, self.counts.shape[-1])[0].sum()) if self.counts.size else 0
        )

    def quantile(self, q: float) -> np.ndarray:
        """The ``q`` quantile, interpolated linearly within its bin."""
        counts = self.counts
        cum = np.cumsum(counts, axis=-1)
        total = cum[..., -1]
        rank = q * total
        b = np.argmax(cum >= rank[..., None] - 1e-9, axis=-1)
        lo, hi = self._edges_of(b)
        lo = np.where(np.isfinite(lo), lo, self.minimum)
        hi = np.where(np.isfinite(hi), hi, self.maximum)
        lo = np.maximum(lo, self.minimum)
        hi = np.minimum(hi, self.maximum)
        before = (
            np.take_along_axis(cum, b[..., None], -1)[..., 0]
            - np.take_along_axis(counts, b[..., None], -1)[..., 0]
        )
        inside = np.take_along_axis(counts, b[..., None], -1)[..., 0]
        frac = np.divide(rank - before, inside, out=np.zeros_like(lo), where=inside > 0)
        return lo + np.clip(frac, 0.0, 1.0) * (hi - lo)

    def within_mean(self) -> np.ndarray:
        """Mean of the values inside the edges and below them, leaving out those above
        the last edge (overflow), from the counts alone: exact when every value is a
        bin's centre or lies below the first edge at 0 (whole months on
        :attr:`Scale.MONTHS`). NaN where every value is above."""
        counts = self.counts.astype(float)
        centres = np.concatenate([[0.0], 0.5 * (self.edges[..., :-1] + self.edges[..., 1:])])
        inside = counts[..., :-1]
        total = inside.sum(axis=-1)
        weighted = (inside * centres[: inside.shape[-1]]).sum(axis=-1)
        return np.divide(weighted, total, out=np.full(total.shape, np.nan), where=total > 0)

    def tail_mean(self, q: float) -> np.ndarray:
        """Conditional value at risk: the mean of the worst ``1 - q`` share of paths.

        Whole bins above the ``q`` quantile's bin contribute their exact sums;
        the boundary bin contributes its mean value times the share needed.
        """
        counts = self.counts.astype(float)
        sums = self.sums.total
        total = counts.sum(axis=-1)
        want = (1.0 - q) * total
        # accumulate from the top bin down
        rev_counts = np.flip(counts, axis=-1)
        rev_sums = np.flip(sums, axis=-1)
        cum = np.cumsum(rev_counts, axis=-1)
        full = cum <= want[..., None] + 1e-9
        take_sum = (rev_sums * full).sum(axis=-1)
        take_n = (rev_counts * full).sum(axis=-1)
        b = np.argmax(~full, axis=-1)
        boundary_n = np.take_along_axis(rev_counts, b[..., None], -1)[..., 0]
        boundary_s = np.take_along_axis(rev_sums, b[..., None], -1)[..., 0]
        rest = np.maximum(want - take_n, 0.0)
        partial = np.divide(
            boundary_s, boundary_n, out=np.zeros_like(boundary_s), where=boundary_n > 0
        )
        return np.divide(take_sum + rest * partial, want, out=np.zeros_like(want), where=want > 0)


def linear_edges(high: float, nbins: int) -> np.ndarray:
    """Edges of ``nbins`` equal bins on [0, high]."""
    return np.linspace(0.0, max(high, 1e-12), nbins + 1)


def log_edges(low: float, high: float, nbins: int) -> np.ndarray:
    """Edges of ``nbins`` bins equal in log space on [low, high].

    The exponentials are the C library's (:func:`math.exp`), not NumPy's, whose
    vectorised ``exp`` differs in the last bit between CPUs (it has its own
    AVX-512 code path): the edges, and so every quantile, are the same on any
    machine.
    """
    return np.array([math.exp(x) for x in np.linspace(math.log(low), math.log(high), nbins + 1)])


def chunk_sizes(chunks: list[int], n_paths: int) -> list[int]:
    """Sizes of the given chunks (the last chunk of all may be partial)."""
    return [min(CHUNK, n_paths - c * CHUNK) for c in chunks]


#: Share of baseline demand below which a month counts as recovered.
RECOVERY_SHARE = 0.005


def _edges(
    p: PerPath,
    market: MineralMarket,
    policies: MineralPolicies,
    horizon: int,
    max_surge: float,
    max_price: float,
) -> np.ndarray:
    """The histogram edges of a per-path quantity (see :class:`Scale`)."""
    if p.scale == Scale.CUMULATIVE_DEMAND:
        cells = np.append(market.demand, market.demand.sum()) * horizon * (1.0 + max_surge)
        return np.stack([linear_edges(c, p.bins) for c in cells])
    if p.scale == Scale.DEMAND_SHARE:
        return linear_edges(1.0 + max_surge, p.bins)
    if p.scale == Scale.PRICE_RATIO:
        # ``bins`` over 1/10 to 10, as many per decade on a wider guard: the bins'
        # relative width stays the same whatever max_price is
        decades = math.log10(max_price)
        return log_edges(1.0 / max_price, max_price, max(p.bins, round(p.bins * decades)))
    if p.scale == Scale.RESERVE_STOCK:
        plans = policies.reserves
        high = max([x.target_t for x in plans] + [x.initial_t for x in plans] + [1.0])
        return linear_edges(high * 1.25, p.bins)
    if p.scale == Scale.MONTHS:
        return np.arange(0.5, horizon + 1.5)
    raise ValueError(f"{p.name}: no histogram scale")


@dataclass
class BatchPartial:
    """One batch's contribution to a mineral's statistics, by source."""

    first_chunk: int
    chunks: int
    sums: dict[str, SumPart]
    totals: dict[str, SumPart]
    histograms: dict[str, HistogramPart]
    extremes: dict[str, float]


@dataclass
class MineralStats:
    """The streaming statistics of one mineral (those of :data:`OUTPUTS`), by source.

    ``sums`` hold the per-cell means (:attr:`Reduction.MEAN`), ``totals`` the
    per-path sums over months (:attr:`Reduction.TOTAL`), ``histograms`` the
    distributions, ``extremes`` the largest or smallest values.
    """

    mineral: str
    shapes: dict[str, tuple[int, ...]]
    sums: dict[str, Sum]
    totals: dict[str, Sum]
    histograms: dict[str, Histogram]
    extremes: dict[str, float]
    next_chunk: int = 0
    pending: dict[int, BatchPartial] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        market: MineralMarket,
        policies: MineralPolicies,
        horizon: int,
        max_surge: float,
        max_price: float,
    ) -> MineralStats:
        """Empty statistics sized for this market."""
        K, H = len(market.consumers), len(policies.reserves)
        sizes = {
            "month": horizon, "consumer": K, "holder": H, "segment": len(SEGMENTS),
            "cause": len(CAUSES),
        }  # fmt: skip
        figure_sizes = {**sizes, "consumer": K + 1}  # figures add the world
        shapes = {
            p.name: tuple((figure_sizes if p in FIGURES else sizes)[d] for d in p.dims)
            for p in (per_path(name) for name in _SOURCES)
        }
        stats = cls(market.mineral, shapes, {}, {}, {}, {})
        for o in OUTPUTS:
            if o.kind != OutputKind.STATISTIC or o.source is None:
                continue
            p, r, shape = per_path(o.source), o.reduction, shapes[o.source]
            if r == Reduction.MEAN:
                stats.sums[p.name] = Sum.zeros(shape)
            elif r == Reduction.TOTAL:
                stats.totals[p.name] = Sum.zeros(shape[1:])
            elif r == Reduction.MAX:
                stats.extremes[p.name] = -np.inf
            elif r == Reduction.MIN:
                stats.extremes[p.name] = np.inf
            elif r in HISTOGRAM_REDUCTIONS:
                old = stats.histograms.get(p.name)
                with_sums = r in SUM_REDUCTIONS or (old is not None and old.with_sums)
                stats.histograms[p.name] = Histogram(
                    _edges(p, market, policies, horizon, max_surge, max_price),
                    shape,
                    with_sums=with_sums,
                    log_scale=p.scale == Scale.PRICE_RATIO,
                )
        return stats

    def partial(self, traj: Trajectories, sizes: list[int], first_chunk: int) -> BatchPartial:
        """Reduce one batch (whole chunks of ``sizes`` paths from ``first_chunk``).

        Reads the statistics' layout only, so batches may be reduced in parallel.
        """
        values = dict(traj.arrays)
        values.update(figures(traj))
        extremes = {}
        for name in self.extremes:
            v = values[name]
            extremes[name] = float(
                v.max(initial=-np.inf) if name in _MAXIMA else v.min(initial=np.inf)
            )
        return BatchPartial(
            first_chunk,
            len(sizes),
            {name: s.partial(values[name], sizes) for name, s in self.sums.items()},
            # per-path totals over the horizon, summed month by month
            {name: s.partial(values[name].sum(axis=0), sizes) for name, s in self.totals.items()},
            {name: h.partial(values[name], sizes) for name, h in self.histograms.items()},
            extremes,
        )

    def merge(self, part: BatchPartial) -> None:
        """Take a batch's partial, in any order; fold every partial that is next in line."""
        self.pending[part.first_chunk] = part
        while self.next_chunk in self.pending:
            part = self.pending.pop(self.next_chunk)
            for name, s in self.sums.items():
                s.merge(part.sums[name])
            for name, s in self.totals.items():
                s.merge(part.totals[name])
            for name, h in self.histograms.items():
                h.merge(part.histograms[name])
            for name, value in part.extremes.items():
                pick = np.maximum if name in _MAXIMA else np.minimum  # NaN if either is
                self.extremes[name] = float(pick(self.extremes[name], value))
            self.next_chunk += part.chunks

    def add(self, traj: Trajectories, sizes: list[int]) -> None:
        """Reduce and fold the next batch in chunk order."""
        self.merge(self.partial(traj, sizes, self.next_chunk))

    def statistic(self, source: str, reduction: Reduction) -> np.ndarray:
        """The value of one statistic: source dims, then quantile or fan_quantile.

        A ``total`` drops the month; ``max`` and ``min`` are scalars.
        """
        if reduction == Reduction.MEAN:
            return self.sums[source].mean
        if reduction == Reduction.TOTAL:
            return self.totals[source].mean
        if reduction in (Reduction.MAX, Reduction.MIN):
            return np.asarray(self.extremes[source])
        h = self.histograms[source]
        if reduction == Reduction.FAN:
            return np.stack([h.quantile(q) for q in FAN_QUANTILES], axis=-1)
        if reduction == Reduction.QUANTILES:
            return np.stack([h.quantile(q) for q in QUANTILES], axis=-1)
        if reduction == Reduction.BINNED_MEAN:
            return h.sums.mean.sum(axis=-1)
        if reduction == Reduction.CVAR95:
            return h.tail_mean(0.95)
        if reduction == Reduction.RECOVERED_MEAN:
            return h.within_mean()
        if reduction == Reduction.RECOVERED_P95:
            value = h.quantile(0.95)
            return np.where(value > h.edges[..., -1], np.nan, value)
        if reduction == Reduction.ABOVE_FIRST_BIN:
            total = h.counts.sum(axis=-1)
            return h.counts[..., 1:].sum(axis=-1) / np.maximum(total, 1)
        raise ValueError(f"unknown reduction {reduction!r}")


#: The per-path sources of the statistics; those whose extreme is a maximum.
_SOURCES = tuple(
    dict.fromkeys(o.source for o in OUTPUTS if o.kind == OutputKind.STATISTIC and o.source)
)
_MAXIMA = frozenset(o.source for o in OUTPUTS if o.reduction == Reduction.MAX and o.source)


def figures(traj: Trajectories) -> dict[str, np.ndarray]:
    """The per-path figures of a batch (:data:`critmin.engine.outputs.FIGURES`)."""
    unmet, demand, price = traj["unmet_t"], traj["demand_t"], traj["price_ratio"]
    T, K, P = unmet.shape
    out = {
        "shortfall_t": np.empty((K + 1, P)),
        "shortfall_share": np.empty((T, P)),
        "peak_price_ratio": np.empty((2, P)),
        "trough_price_ratio": np.empty((2, P)),
        "recovery_months": np.empty((K + 1, P)),
        "unrecovered": np.empty((K + 1, P)),
    }
    _per_path(unmet, demand, price[:, 0, :], price[:, 1, :], RECOVERY_SHARE, *out.values())
    out["price_cap_share"] = traj["at_cap"].any(axis=1).mean(axis=0)
    assert set(out) == {p.name for p in FIGURES}
    return out


@njit(**_JIT)
def _per_path(
    unmet: np.ndarray,
    demand: np.ndarray,
    price_a: np.ndarray,
    price_r: np.ndarray,
    threshold: float,
    cum: np.ndarray,
    share: np.ndarray,
    peaks: np.ndarray,
    troughs: np.ndarray,
    months: np.ndarray,
    never: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Per-path figures of a batch (path-last arrays), written into the last six.

    ``cum`` (K + 1, P): unmet demand summed over months, per consumer and for
    the world (last row); ``share`` (T, P): the world's unmet share of
    demand per month; ``peaks`` (2, P): the highest alliance and rest price
    ratios; ``troughs`` (2, P): the lowest; ``months`` (K + 1, P): months
    from the first month with an unmet share above ``threshold`` to the end
    of the last such month (0 when never above; ``T + 1``, beyond the horizon,
    when still above in the last month); ``never`` (K + 1, P): 1 where the
    share is still above the threshold in the last month.
    """
    T, K, P = unmet.shape
    first = np.full((K + 1, P), -1, np.int64)
    last = np.full((K + 1, P), -1, np.int64)
    world_unmet = np.empty(P)
    world_demand = np.empty(P)
    cum[:, :] = 0.0
    for t in range(T):
        world_unmet[:] = 0.0
        world_demand[:] = 0.0
        for k in range(K):
            for p in range(P):
                u = unmet[t, k, p]
                d = demand[t, k, p]
                cum[k, p] += u
                world_unmet[p] += u
                world_demand[p] += d
                if (u / d if d > 0 else 0.0) > threshold:
                    if first[k, p] < 0:
                        first[k, p] = t
                    last[k, p] = t
        for p in range(P):
            s = world_unmet[p] / world_demand[p] if world_demand[p] > 0 else 0.0
            share[t, p] = s
            cum[K, p] += world_unmet[p]
            if s > threshold:
                if first[K, p] < 0:
                    first[K, p] = t
                last[K, p] = t
    for p in range(P):
        high_a = -np.inf
        high_r = -np.inf
        low_a = np.inf
        low_r = np.inf
        for t in range(T):
            high_a = max(high_a, price_a[t, p])
            high_r = max(high_r, price_r[t, p])
            low_a = min(low_a, price_a[t, p])
            low_r = min(low_r, price_r[t, p])
        peaks[0, p] = high_a
        peaks[1, p] = high_r
        troughs[0, p] = low_a
        troughs[1, p] = low_r
    for k in range(K + 1):
        for p in range(P):
            unrecovered = last[k, p] == T - 1
            if unrecovered:  # not recovered within the horizon: never counted as if it had
                months[k, p] = T + 1
            else:
                months[k, p] = last[k, p] - first[k, p] + 1 if first[k, p] >= 0 else 0
            never[k, p] = 1.0 if unrecovered else 0.0
