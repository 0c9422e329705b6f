"""Local production against an import alternative: CO2 of both, the difference, and what it is worth in a
Dutch tender (MKI / CO2 shadow price, CO2-Prestatieladder fictitious discount), and the highest price the
local offer may have and still win on best price-quality. Pure: plain data in and out.

Evaluated price (stated as an assumption in the report): bid price x (1 - ladder discount) + CO2 kg x the
MKI price per kg. The local offer wins while its evaluated price is at most the import's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..reasons import Figure, Reason, Share, size
from .factors import Factor, FactorSet
from .footprint import Component, Leg, data_label, factor_value, transport_kg


@dataclass(frozen=True)
class Option:
    name: str
    country: str
    product_mass_kg: float
    material: Factor
    scrap_share: float  # of the material bought, 0 <= s < 1
    grid: Factor
    fabrication_kwh: float
    legs: tuple[Leg, ...] = ()
    bid_price_eur: float | None = None
    ladder_level: int = 0


@dataclass(frozen=True)
class OptionResult:
    option: Option
    components: tuple[Component, ...]

    @property
    def total_kg(self) -> float:
        return sum(c.kg_co2 for c in self.components)

    def part(self, key: str) -> float:
        return sum(c.kg_co2 for c in self.components if c.key == key)


@dataclass(frozen=True)
class Comparison:
    title: Reason  # co2.title.order, or a scenario's own title as it is written (code "text")
    local: OptionResult
    alternative: OptionResult
    mki_eur_per_kg: Factor
    local_discount: float
    alternative_discount: float
    factor_set: str
    factor_path: str
    factors: tuple[Factor, ...] = field(default=())
    assumptions: tuple[Reason, ...] = field(default=())

    @property
    def difference_kg(self) -> float:
        """CO2 the local option saves (positive) against the alternative."""
        return self.alternative.total_kg - self.local.total_kg

    @property
    def mki_value_eur(self) -> float:
        return self.difference_kg * self.mki_eur_per_kg.value

    def evaluated_price(self, result: OptionResult, discount: float) -> float | None:
        if result.option.bid_price_eur is None:
            return None
        return result.option.bid_price_eur * (1 - discount) + result.total_kg * self.mki_eur_per_kg.value

    @property
    def local_ladder_advantage_eur(self) -> float | None:
        price = self.local.option.bid_price_eur
        return None if price is None else price * self.local_discount

    @property
    def max_local_price_eur(self) -> float | None:
        """The highest local bid that still evaluates at or below the alternative."""
        alternative = self.evaluated_price(self.alternative, self.alternative_discount)
        if alternative is None:
            return None
        return (alternative - self.local.total_kg * self.mki_eur_per_kg.value) / (1 - self.local_discount)


def option_result(option: Option, well_to_tank: float, ballast_ratio: float) -> OptionResult:
    if not 0 <= option.scrap_share < 1:
        raise ValueError(f"{option.name}: scrap share {option.scrap_share:g} must be at least 0 and below 1")
    mass_t = option.product_mass_kg / 1000
    bought = option.product_mass_kg / (1 - option.scrap_share)
    components = [
        Component("material", Reason.of("co2c.material_route", route=option.material.label),
                  option.product_mass_kg * option.material.value,
                  Reason.of("co2c.tonnes_times", tonnes=Figure(mass_t, 1), factor=factor_value(option.material.value))),
        Component("scrap", Reason.of("co2c.scrap_all"), (bought - option.product_mass_kg) * option.material.value,
                  Reason.of("co2c.tonnes_times", tonnes=Figure((bought - option.product_mass_kg) / 1000, 1),
                            factor=factor_value(option.material.value))),
        Component("process", Reason.of("co2c.fabrication", grid=option.grid.label),
                  option.fabrication_kwh * option.grid.value,
                  Reason.of("co2c.kwh_times", kwh=Figure(option.fabrication_kwh, 0), factor=factor_value(option.grid.value))),
    ]
    for leg in option.legs:
        kg = transport_kg(mass_t, leg, well_to_tank, ballast_ratio)
        ballast = leg.dedicated and leg.ballast
        name = leg.label or leg.mode.label
        components.append(Component(
            "transport", Reason.of("co2c.leg_ballast", leg=name) if ballast else data_label(name), kg,
            Reason.of("co2c.transport_ballast" if ballast else "co2c.transport_detail", tonnes=Figure(mass_t, 1),
                      km=size(leg.distance_km), factor=factor_value(leg.mode.value),
                      wtt=factor_value(1 + well_to_tank), ballast=factor_value(1 + ballast_ratio))))
    return OptionResult(option, tuple(components))


def compare(title: str | Reason, local: Option, alternative: Option, factors: FactorSet,
            well_to_tank: bool = True) -> Comparison:
    uplift = factors.scalar("well_to_tank_uplift").value if well_to_tank else 0.0
    ballast = factors.scalar("ballast_leg_ratio")
    mki = factors.scalar("tender", "mki_eur_per_kg_co2", unit="EUR/kg")
    used: dict[str, Factor] = {}
    for option in (local, alternative):
        for factor in (option.material, option.grid, *(leg.mode for leg in option.legs)):
            used[factor.key] = factor
    assumptions = [  # reason codes: the report writes them in its reader's language
        Reason.of("co2.assumption.price"),
        Reason.of("co2.assumption.transport", uplift=Share(uplift)),
        Reason.of("co2.assumption.charter", ratio=ballast.value),
        Reason.of("co2.assumption.material"),
        Reason.of("co2.assumption.energy"),
    ]
    if isinstance(title, str):  # a scenario's own title: shown as its author wrote it
        title = Reason.of("text", text=title)
    return Comparison(title, option_result(local, uplift, ballast.value),
                      option_result(alternative, uplift, ballast.value), mki,
                      factors.ladder_discount(local.ladder_level), factors.ladder_discount(alternative.ladder_level),
                      factors.name, factors.path,
                      tuple(used.values()) + (factors.scalar("well_to_tank_uplift"), ballast, mki,
                                              _ladder_factor(factors, local.ladder_level)),
                      tuple(assumptions))


def _ladder_factor(factors: FactorSet, level: int) -> Factor:
    entry = factors.data.get("tender", {}).get("ladder_discount", {})
    return Factor("ladder_discount", factors.ladder_discount(level),
                  f"{entry.get('label', 'CO2-Prestatieladder')}, niveau {level}", entry.get("source", ""),
                  entry.get("year"), "x inschrijfprijs")


def option_from_dict(data: dict, mass_kg: float, factors: FactorSet) -> Option:
    fabrication = data.get("fabrication_kwh")
    if fabrication is None:
        per_tonne = data.get("fabrication_kwh_per_tonne", factors.scalar("fabrication_kwh_per_tonne").value)
        fabrication = per_tonne * mass_kg / 1000
    legs = tuple(Leg(factors.transport(leg["mode"]), float(leg["distance_km"]), leg.get("label", ""),
                     bool(leg.get("dedicated", False)), bool(leg.get("ballast", False)))
                 for leg in data.get("legs", []))
    material = (factors.material(data["material_route"]) if "material_route" in data
                else Factor("declared", float(data["material_kg_co2_per_kg"]), data.get("material_label", "declared"),
                            data.get("material_source", "supplier's declaration"), data.get("material_year"),
                            "kg CO2e/kg"))
    return Option(data["name"], data.get("country", ""), mass_kg, material, float(data.get("scrap_share", 0.0)),
                  factors.grid(data["grid"]), float(fabrication), legs, data.get("bid_price_eur"),
                  int(data.get("ladder_level", 0)))


def scenario_from_file(path: str | Path, factors: FactorSet) -> Comparison:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return scenario(data, factors)


def scenario(data: dict, factors: FactorSet) -> Comparison:
    mass = float(data["product_mass_t"]) * 1000
    return compare(data.get("title", "Vergelijking"), option_from_dict(data["local"], mass, factors),
                   option_from_dict(data["import"], mass, factors), factors, data.get("well_to_tank", True))
