"""Streaming statistics whose results do not depend on how paths are batched.

Memory is fixed by the number of bins, not by the number of paths. Exactness:
paths arrive in whole chunks of :data:`critmin.engine.events.CHUNK`, in
order; each chunk is summed on its own and chunk sums are added one after the
other, so every float sum is computed in the same order whatever the batch
size. Counts are integers, and minima and maxima are order-free, so histograms
and extremes are exact too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from critmin.engine.events import CHUNK


def chunk_sums(values: np.ndarray, sizes: list[int]) -> np.ndarray:
    """Sum each chunk of paths (axis 0) on its own: shape (n_chunks, ...)."""
    out = []
    start = 0
    for size in sizes:
        out.append(values[start : start + size].sum(axis=0))
        start += size
    return np.stack(out)


@dataclass
class Sum:
    """An exact-order running sum over paths (axis 0 of each batch)."""

    total: np.ndarray
    count: int = 0

    @classmethod
    def zeros(cls, shape: tuple[int, ...]) -> Sum:
        """A sum of arrays of ``shape``."""
        return cls(np.zeros(shape))

    def add(self, values: np.ndarray, sizes: list[int]) -> None:
        """Add a batch: ``values`` has one row per path, ``sizes`` its chunk sizes."""
        for part in chunk_sums(values, sizes):
            self.total = self.total + part
        self.count += int(sum(sizes))

    @property
    def mean(self) -> np.ndarray:
        """Mean over the paths added."""
        return self.total / max(self.count, 1)


@dataclass
class Histogram:
    """Counts (and optionally value sums) of per-path values in fixed bins.

    ``edges`` are the bin edges; values below the first or above the last edge
    go to underflow and overflow bins (first and last). Leading dimensions
    (e.g. consumers or months) are kept: values have shape (paths, *shape).
    Extremes are exact. ``with_sums`` keeps per-bin sums, needed for
    :meth:`tail_mean`.
    """

    edges: np.ndarray
    shape: tuple[int, ...]
    with_sums: bool = False
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

    def _bins(self, values: np.ndarray) -> np.ndarray:
        """Bin index of each value (0 = underflow), shape like ``values``."""
        if self.edges.ndim == 1:
            return np.searchsorted(self.edges, values, side="right")
        # one row of edges per element of the (single) leading dimension
        return np.stack(
            [
                np.searchsorted(self.edges[j], values[:, j], side="right")
                for j in range(values.shape[1])
            ],
            axis=1,
        )

    def add(self, values: np.ndarray, sizes: list[int]) -> None:
        """Add a batch of per-path values of shape (paths, *shape)."""
        nbins = self.edges.shape[-1] + 1
        cells = int(np.prod(self.shape)) if self.shape else 1
        flat = self._bins(values).reshape(values.shape[0], cells) + np.arange(cells) * nbins
        self.counts += np.bincount(flat.ravel(), minlength=cells * nbins).reshape(self.counts.shape)
        if self.with_sums:
            vals = values.reshape(values.shape[0], cells)
            start = 0
            for size in sizes:
                part = np.bincount(
                    flat[start : start + size].ravel(),
                    weights=vals[start : start + size].ravel(),
                    minlength=cells * nbins,
                )
                self.sums.total = self.sums.total + part.reshape(self.counts.shape)
                start += size
            self.sums.count += int(sum(sizes))
        np.minimum(self.minimum, values.min(axis=0), out=self.minimum)
        np.maximum(self.maximum, values.max(axis=0), out=self.maximum)

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
