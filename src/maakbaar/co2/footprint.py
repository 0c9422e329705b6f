"""The CO2 footprint of parts and orders, component by component (pure).

- material: the product's own mass times the material factor (by production route, or the supplier's value);
- scrap: the extra material bought because of nesting scrap (gross mass = net mass / utilisation);
- process: machine power x time (planned or actual) x the grid factor of the shop's electricity;
- transport: outbound legs, tonnes x km x factor, plus the well-to-tank uplift.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..reasons import Figure, Reason, Share, size
from .factors import Factor


@dataclass(frozen=True)
class OperationEnergy:
    label: str  # e.g. "Laser LAS01"
    minutes: float  # for the whole line (setup plus run)
    power_kw: float


@dataclass(frozen=True)
class FootprintLine:
    label: str  # e.g. "ORD-260001/1 P20001"
    pieces: int
    net_mass_kg: float  # per piece
    utilisation: float  # share of the bought sheet that ends up in the part, 0 < u <= 1
    material: Factor
    operations: tuple[OperationEnergy, ...] = ()


@dataclass(frozen=True)
class Leg:
    mode: Factor  # kg CO2e per tonne-km
    distance_km: float
    label: str = ""
    dedicated: bool = False  # a voyage for this cargo alone (heavy-lift charter)
    ballast: bool = False  # count the empty return leg (only for a dedicated voyage)


@dataclass(frozen=True)
class Component:
    """One part of a footprint; ``label`` and ``detail`` (how it is worked out) are reasons (``co2c.*``)."""

    key: str  # material, scrap, process, transport
    label: Reason
    kg_co2: float
    detail: Reason | None = None


def factor_value(value: float) -> Figure:
    """A factor as it is given (1.9, 0.268, 0.00012): its own decimals, at most six."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return Figure(value, len(text.split(".")[1]) if "." in text else 0)


def data_label(text: str) -> Reason:
    """A label that is data (a factor's, a leg's, an operation's): shown as it is."""
    return Reason.of("text", text=text)


@dataclass(frozen=True)
class Footprint:
    components: tuple[Component, ...]
    product_mass_kg: float
    factors: tuple[Factor, ...] = field(default=())
    energy_kwh: float = 0.0

    @property
    def total_kg(self) -> float:
        return sum(c.kg_co2 for c in self.components)

    @property
    def per_kg_product(self) -> float:
        return self.total_kg / self.product_mass_kg if self.product_mass_kg else 0.0

    def by_key(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for c in self.components:
            out[c.key] += c.kg_co2
        return dict(out)


def transport_kg(mass_t: float, leg: Leg, well_to_tank: float = 0.0, ballast_ratio: float = 1.0) -> float:
    """Tonnes x km x factor x (1 + well-to-tank uplift); a dedicated voyage with its ballast leg counted adds the
    empty return trip (ISO 14083 / GLEC: scheduled services' factors already include empty running)."""
    laden = mass_t * leg.distance_km * leg.mode.value * (1 + well_to_tank)
    if leg.dedicated and leg.ballast:
        return laden * (1 + ballast_ratio)
    return laden


def order_footprint(lines: list[FootprintLine], grid: Factor, legs: list[Leg] = (), well_to_tank: float = 0.0,
                    ballast_ratio: float = 1.0) -> Footprint:
    components = []
    mass = energy = 0.0
    factors: dict[str, Factor] = {grid.key: grid}
    for line in lines:
        if not 0 < line.utilisation <= 1:
            raise ValueError(f"{line.label}: utilisation {line.utilisation:g} must be above 0 and at most 1")
        net = line.pieces * line.net_mass_kg
        mass += net
        factors[line.material.key] = line.material
        components.append(Component("material", Reason.of("co2c.material", part=line.label), net * line.material.value,
                                    Reason.of("co2c.kg_times", kg=Figure(net, 2),
                                              factor=factor_value(line.material.value))))
        scrap = net * (1 / line.utilisation - 1)
        components.append(Component("scrap", Reason.of("co2c.scrap", part=line.label), scrap * line.material.value,
                                    Reason.of("co2c.scrap_detail", kg=Figure(scrap, 2),
                                              share=Share(1 - line.utilisation),
                                              factor=factor_value(line.material.value))))
        for op in line.operations:
            kwh = op.minutes / 60 * op.power_kw
            energy += kwh
            components.append(Component("process", Reason.of("co2c.process", part=line.label, operation=op.label),
                                        kwh * grid.value, Reason.of("co2c.kwh_times", kwh=Figure(kwh, 2),
                                                                    factor=factor_value(grid.value))))
    for leg in legs:
        factors[leg.mode.key] = leg.mode
        kg = transport_kg(mass / 1000, leg, well_to_tank, ballast_ratio)
        components.append(Component("transport", data_label(leg.label or leg.mode.label), kg,
                                    Reason.of("co2c.transport_detail", tonnes=Figure(mass / 1000, 3),
                                              km=size(leg.distance_km), factor=factor_value(leg.mode.value),
                                              wtt=factor_value(1 + well_to_tank))))
    return Footprint(tuple(components), mass, tuple(factors.values()), energy)
