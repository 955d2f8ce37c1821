"""A fixed-bucket histogram of milliseconds: cheap to fill, to merge and to send as JSON."""

from __future__ import annotations

BUCKET_MS = 0.25
BUCKETS = 8000  # up to 2 s; anything slower lands in the last bucket


class Histogram:
    def __init__(self, counts: list[int] | None = None) -> None:
        self.counts = counts if counts is not None else [0] * BUCKETS

    def add(self, ms: float) -> None:
        index = int(ms / BUCKET_MS)
        self.counts[min(max(index, 0), BUCKETS - 1)] += 1

    def merge(self, other: Histogram) -> None:
        self.counts = [a + b for a, b in zip(self.counts, other.counts, strict=True)]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def percentile(self, q: float) -> float | None:
        """The upper edge (ms) of the bucket holding the q-quantile, or None when empty."""
        total = self.total
        if total == 0:
            return None
        rank = q * total
        seen = 0
        for index, count in enumerate(self.counts):
            seen += count
            if seen >= rank and count:
                return (index + 1) * BUCKET_MS
        return BUCKETS * BUCKET_MS

    def to_json(self) -> dict[str, int]:
        """Sparse form: bucket index -> count."""
        return {str(i): c for i, c in enumerate(self.counts) if c}

    @classmethod
    def from_json(cls, sparse: dict[str, int]) -> Histogram:
        counts = [0] * BUCKETS
        for index, count in sparse.items():
            counts[int(index)] = count
        return cls(counts)
