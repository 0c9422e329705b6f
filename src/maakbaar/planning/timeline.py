"""Working-time arithmetic on sorted, disjoint integer windows [start, end) in minutes."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

Window = tuple[int, int]


class Windows:
    """Sorted disjoint windows with fast look-ups of 'which window holds minute t'."""

    __slots__ = ("spans", "starts", "ends", "cumulative")

    def __init__(self, spans: Sequence[Window]):
        merged: list[Window] = []
        for a, b in sorted(spans):
            if b <= a:
                continue
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        self.spans = tuple(merged)
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]
        self.cumulative = [0]
        for a, b in merged:
            self.cumulative.append(self.cumulative[-1] + b - a)

    def __len__(self) -> int:
        return len(self.spans)

    def __eq__(self, other) -> bool:
        return isinstance(other, Windows) and self.spans == other.spans

    def __repr__(self) -> str:
        return f"Windows({list(self.spans)})"

    def index_at(self, t: int) -> int | None:
        """Index of the window holding minute t, or None."""
        i = bisect_right(self.starts, t) - 1
        if i >= 0 and t < self.ends[i]:
            return i
        return None

    def next_working(self, t: int) -> int | None:
        """The first working minute at or after t."""
        i = bisect_right(self.starts, t) - 1
        if i >= 0 and t < self.ends[i]:
            return t
        if i + 1 < len(self.starts):
            return self.starts[i + 1]
        return None

    def working_between(self, a: int, b: int) -> int:
        """Working minutes in [a, b)."""
        if b <= a:
            return 0
        return self._worked_until(b) - self._worked_until(a)

    def _worked_until(self, t: int) -> int:
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        return self.cumulative[i] + min(t, self.ends[i]) - self.starts[i]

    def advance(self, start: int, work: int) -> int | None:
        """When ``work`` working minutes are done, starting at ``start`` (a working minute). None past the end."""
        if work <= 0:
            return start
        target = self._worked_until(start) + work
        if target > self.cumulative[-1]:
            return None
        # first window where cumulative reaches target
        lo, hi = 0, len(self.spans)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cumulative[mid + 1] >= target:
                hi = mid
            else:
                lo = mid + 1
        return self.starts[lo] + (target - self.cumulative[lo])

    def contiguous_end(self, t: int) -> int | None:
        """End of the window holding t (None when t is not a working minute)."""
        i = self.index_at(t)
        return None if i is None else self.ends[i]

    def iter_starts_after(self, t: int):
        """The starts of working windows after ``t``, lazily (without copying the list)."""
        starts = self.starts
        i = bisect_right(starts, t)
        while i < len(starts):
            yield starts[i]
            i += 1

    def intersect(self, other: Windows) -> Windows:
        out: list[Window] = []
        i = j = 0
        a, b = self.spans, other.spans
        while i < len(a) and j < len(b):
            lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
            if lo < hi:
                out.append((lo, hi))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        return Windows(out)

    def minus(self, blocked: Sequence[Window]) -> Windows:
        out: list[Window] = []
        blocks = sorted(blocked)
        for a, b in self.spans:
            cursor = a
            for c, d in blocks:
                if d <= cursor or c >= b:
                    continue
                if c > cursor:
                    out.append((cursor, c))
                cursor = max(cursor, d)
            if cursor < b:
                out.append((cursor, b))
        return Windows(out)

    def complement(self, horizon: int) -> list[Window]:
        """Non-working time within [0, horizon)."""
        out, cursor = [], 0
        for a, b in self.spans:
            if a > cursor:
                out.append((cursor, min(a, horizon)))
            cursor = max(cursor, b)
            if cursor >= horizon:
                break
        if cursor < horizon:
            out.append((cursor, horizon))
        return [(a, b) for a, b in out if b > a]

    @property
    def total(self) -> int:
        return self.cumulative[-1]

    @property
    def longest(self) -> int:
        return max((b - a for a, b in self.spans), default=0)


class Busy:
    """Sorted, non-overlapping busy intervals of one machine or operator."""

    __slots__ = ("starts", "ends", "items")

    def __init__(self):
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.items: list[object] = []

    def add(self, start: int, end: int, item: object = None) -> None:
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        self.items.insert(i, item)

    def remove(self, start: int, item: object) -> None:
        """Take out the interval booked for ``item`` at ``start``."""
        i = self.position(start, item)
        del self.starts[i], self.ends[i], self.items[i]

    def position(self, start: int, item: object) -> int:
        """Where the interval booked for ``item`` at ``start`` is in the list (the item itself, not an equal
        one)."""
        i = bisect_left(self.starts, start)
        while i < len(self.starts) and self.starts[i] == start:
            if self.items[i] is item:
                return i
            i += 1
        raise KeyError(f"nothing booked for {item!r} at {start}")

    def is_free(self, a: int, b: int) -> bool:
        """No busy interval overlaps [a, b) (zero-length intervals never block)."""
        i = bisect_right(self.starts, a) - 1
        if i >= 0 and self.ends[i] > a and self.ends[i] > self.starts[i]:
            return False
        j = i + 1
        while j < len(self.starts) and self.starts[j] < b:
            if self.ends[j] > self.starts[j] and b > a:
                return False
            j += 1
        return True

    def ends_between(self, t: int, until: int):
        """Ends in (t, until], in increasing order (intervals do not overlap, so ends follow starts)."""
        i = max(0, bisect_right(self.starts, t) - 1)
        ends = self.ends
        for k in range(i, len(ends)):
            e = ends[k]
            if e > until:
                return
            if e > t:
                yield e

    def __len__(self) -> int:
        return len(self.starts)
