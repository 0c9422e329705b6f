"""Parts and their routings (bewerkingsvolgorde)."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from ..reasons import Reason, size
from .common import Code, DomainModel, Name, Text, WorkCenterType, refusal


class RoutingStep(DomainModel):
    """One operation of a routing. Subcontracted steps take a lead time in working days, not capacity."""

    sequence: int = Field(ge=1, le=9999)
    work_center_type: WorkCenterType
    eligible_machines: tuple[Code, ...] = ()
    description: Text = ""
    setup_min: float = Field(default=0, ge=0, le=10000)
    run_min_per_piece: float = Field(default=0, ge=0, le=10000)
    setup_family: Text = Field(default="", description="same family back to back = no changeover (tooling, colour)")
    unattended: bool = Field(default=False, description="may run without an operator after setup (laser night run)")
    may_pause: bool = Field(default=False, description="may be interrupted by a break or shift end (welding)")
    subcontract_lead_days: int | None = Field(default=None, ge=0, le=365)
    supplier: Text = ""
    min_wait_after_min: float = Field(default=0, ge=0, le=100000, description="e.g. paint drying before next step")

    @field_validator("eligible_machines")
    @classmethod
    def _no_duplicate_machines(cls, machines: tuple[str, ...]):
        if len(set(machines)) != len(machines):
            raise refusal("domain.machine_twice", "a machine is listed twice")
        return machines

    @model_validator(mode="after")
    def _capacity_or_lead_time(self):
        if self.work_center_type == WorkCenterType.SUBCONTRACT:
            if self.subcontract_lead_days is None:
                raise refusal("domain.subcontract_lead_days", "step {step}: a subcontracted step needs "
                              "subcontract_lead_days", step=self.sequence)
        elif not self.eligible_machines:
            raise refusal("domain.no_eligible_machine", "eligible_machines: step {step} ({type}) has no eligible "
                          "machine", step=self.sequence, type=Reason.of(f"wct.{self.work_center_type}"))
        return self

    @property
    def is_subcontracted(self) -> bool:
        return self.work_center_type == WorkCenterType.SUBCONTRACT

    def duration_min(self, quantity: int) -> float:
        return self.setup_min + self.run_min_per_piece * quantity


def check_sequences(steps: tuple[RoutingStep, ...]) -> tuple[RoutingStep, ...]:
    sequences = [s.sequence for s in steps]
    for i, (a, b) in enumerate(zip(sequences, sequences[1:])):
        if b <= a:
            raise refusal("domain.sequence_order", "[{i}]: sequence {b} does not follow {a}; steps must be in increasing "
                          "order", i=i + 1, a=a, b=b)
    return steps


class Part(DomainModel):
    """A manufactured part: what it is made of, its flat-pattern figures and its routing."""

    number: Code
    revision: Text = ""
    name: Name
    customer: Code | None = None
    material: Code
    thickness_mm: float = Field(gt=0, le=300)
    geometry_ref: Text = Field(default="", description="path or reference to the DXF flat pattern")
    length_mm: float = Field(default=0, ge=0, description="flat blank bounding box, longer side")
    width_mm: float = Field(default=0, ge=0, description="flat blank bounding box, shorter side")
    net_area_mm2: float = Field(default=0, ge=0)
    cut_length_mm: float = Field(default=0, ge=0)
    pierces: int = Field(default=0, ge=0)
    bends: int = Field(default=0, ge=0, le=500)
    bend_length_mm: float = Field(default=0, ge=0)
    weld_length_mm: float = Field(default=0, ge=0)
    coated_area_m2: float = Field(default=0, ge=0)
    routing: tuple[RoutingStep, ...] = ()

    @field_validator("routing")
    @classmethod
    def _routing_in_order(cls, routing: tuple[RoutingStep, ...]):
        return check_sequences(routing)

    @model_validator(mode="after")
    def _blank_is_consistent(self):
        if self.width_mm > self.length_mm:
            raise refusal("domain.width_over_length", "width_mm ({width}) is larger than length_mm ({length})",
                          width=size(self.width_mm), length=size(self.length_mm))
        if self.net_area_mm2 > self.length_mm * self.width_mm + 1e-6 and self.length_mm > 0:
            raise refusal("domain.net_area", "net_area_mm2 ({area}) exceeds the blank {length} x {width} mm",
                          area=size(self.net_area_mm2), length=size(self.length_mm), width=size(self.width_mm))
        return self

    def mass_kg(self, density_kg_m3: float) -> float:
        return self.net_area_mm2 * self.thickness_mm * 1e-9 * density_kg_m3
