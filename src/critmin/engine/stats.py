"""Streaming statistics whose results do not depend on how paths are batched.

Memory is fixed by the number of bins, not by the number of paths. Exactness:
paths arrive in whole chunks of :data:`critmin.engine.events.CHUNK`, in
order; each chunk is summed on its own and chunk sums are added one after the
other, so every float sum is computed in the same order whatever the batch
size. Counts are integers, and minima and maxima are order-free, so histograms
and extremes are exact too.

Batches are path-last, like the kernel's trajectories: every array added has
the path as its last axis. The reductions are numba-compiled loops over the
paths of each chunk in order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numba import njit

from critmin.engine.events import CHUNK

_JIT: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}


def chunk_bounds(sizes: list[int]) -> np.ndarray:
    """Start of each chunk of paths in a batch, and the end of the last: (len(sizes) + 1,)."""
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


@njit(**_JIT)
def _add_chunk_sums(
    values: np.ndarray, bounds: np.ndarray, total: np.ndarray
) -> None:  # pragma: no cover - compiled
    """For each chunk in order: total += (sum of the chunk's paths).

    ``values`` is (cells, paths); ``total`` (cells,) is updated in place. A
    chunk's paths are summed in a fixed order that depends only on the
    chunk's size (four interleaved running sums, then pairwise), so the sum
    is the same whatever the batch the chunk arrives in.
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
            total[m] = total[m] + ((a0 + a1) + (a2 + a3))


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
def _add_to_histogram(
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

    ``edges`` has one row, or one row per cell. With ``with_sums``, each
    chunk's per-bin value sums are added to ``sums`` (cells, bins) in chunk
    order, as :class:`Sum` does.
    """
    cells = values.shape[0]
    part = np.zeros((sums.shape[0], sums.shape[1]) if with_sums else (0, 0))
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
                    part[m, b] += v
                low = v if v < low else low
                high = v if v > high else high
            minimum[m] = low
            maximum[m] = high
        if with_sums:
            for m in range(cells):
                for b in range(sums.shape[1]):
                    if part[m, b] != 0.0:
                        sums[m, b] = sums[m, b] + part[m, b]
                        part[m, b] = 0.0


@dataclass
class Sum:
    """An exact-order running sum over paths (the last axis of each batch)."""

    total: np.ndarray
    count: int = 0

    @classmethod
    def zeros(cls, shape: tuple[int, ...]) -> Sum:
        """A sum of arrays of ``shape``."""
        return cls(np.zeros(shape))

    def add(self, values: np.ndarray, sizes: list[int]) -> None:
        """Add a batch: ``values`` has shape (*shape, paths), ``sizes`` its chunk sizes."""
        flat = np.ascontiguousarray(values, dtype=float).reshape(-1, values.shape[-1])
        total = np.ascontiguousarray(self.total, dtype=float).reshape(-1)
        _add_chunk_sums(flat, chunk_bounds(sizes), total)
        self.total = total.reshape(self.total.shape)
        self.count += int(sum(sizes))

    @property
    def mean(self) -> np.ndarray:
        """Mean over the paths added."""
        return self.total / max(self.count, 1)


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

    def add(self, values: np.ndarray, sizes: list[int]) -> None:
        """Add a batch of per-path values of shape (*shape, paths)."""
        cells = int(np.prod(self.shape)) if self.shape else 1
        nbins = self.edges.shape[-1] + 1
        counts = self.counts.reshape(cells, nbins)
        sums = self.sums.total.reshape(cells, nbins)
        minimum = self.minimum.reshape(cells)
        maximum = self.maximum.reshape(cells)
        _add_to_histogram(
            np.ascontiguousarray(values, dtype=float).reshape(cells, values.shape[-1]),
            np.ascontiguousarray(self.edges, dtype=float).reshape(-1, self.edges.shape[-1]),
            self.log_scale,
            chunk_bounds(sizes),
            counts,
            minimum,
            maximum,
            self.with_sums,
            sums,
        )
        if self.with_sums:
            self.sums.count += int(sum(sizes))

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
    """Edges of ``nbins`` bins equal in log space on [low, high]."""
    return np.exp(np.linspace(math.log(low), math.log(high), nbins + 1))


def chunk_sizes(chunks: list[int], n_paths: int) -> list[int]:
    """Sizes of the given chunks (the last chunk of all may be partial)."""
    return [min(CHUNK, n_paths - c * CHUNK) for c in chunks]
