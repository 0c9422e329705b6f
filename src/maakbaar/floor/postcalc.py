"""Post-calculation (nacalculatie) arithmetic, pure: planned against actual time and cost per operation, and
the ratio actual/planned per operation type and machine offered as a correction to the standard times."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class OperationFigures:
    key: str
    work_center_type: str
    machine: str
    description: str
    quantity: int  # of the work order
    good: int  # pieces reported good
    scrap: int
    planned_setup_min: float
    planned_run_min_per_piece: float
    actual_setup_min: float
    actual_run_min: float
    rate_per_hour: float  # EUR, of the machine booked (else the planned one)

    @property
    def planned_min(self) -> float:
        return self.planned_setup_min + self.planned_run_min_per_piece * self.quantity

    @property
    def actual_min(self) -> float:
        return self.actual_setup_min + self.actual_run_min

    @property
    def planned_cost(self) -> float:
        return self.planned_min / 60 * self.rate_per_hour

    @property
    def actual_cost(self) -> float:
        return self.actual_min / 60 * self.rate_per_hour

    @property
    def run_ratio(self) -> float | None:
        """Actual run time over the standard run time of the pieces actually made (good and scrap)."""
        standard = self.planned_run_min_per_piece * (self.good + self.scrap)
        return self.actual_run_min / standard if standard > 0 and self.actual_run_min > 0 else None


@dataclass(frozen=True)
class Correction:
    work_center_type: str
    machine: str
    operations: int
    standard_run_min: float
    actual_run_min: float

    @property
    def ratio(self) -> float:
        return self.actual_run_min / self.standard_run_min if self.standard_run_min else 1.0


def corrections(operations: list[OperationFigures], min_operations: int = 3) -> list[Correction]:
    """Per operation type and machine, over operations with pieces and run time booked: total actual run time
    over total standard run time. Offered only where there are at least ``min_operations`` such operations."""
    groups: dict[tuple[str, str], list[OperationFigures]] = defaultdict(list)
    for op in operations:
        if op.run_ratio is not None:
            groups[(op.work_center_type, op.machine)].append(op)
    out = []
    for (kind, machine), ops in sorted(groups.items()):
        if len(ops) < min_operations:
            continue
        out.append(Correction(kind, machine, len(ops),
                              sum(o.planned_run_min_per_piece * (o.good + o.scrap) for o in ops),
                              sum(o.actual_run_min for o in ops)))
    return out
