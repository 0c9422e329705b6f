"""Energy and CO2 (pure): factor sets with sources, footprints per part and order, and the local-versus-import
comparison for tenders with its PDF report."""

from .compare import Comparison, Option, OptionResult, compare, scenario, scenario_from_file
from .factors import Factor, FactorError, FactorSet
from .footprint import Component, Footprint, FootprintLine, Leg, OperationEnergy, order_footprint, transport_kg

__all__ = ["Comparison", "Component", "Factor", "FactorError", "FactorSet", "Footprint", "FootprintLine", "Leg",
           "OperationEnergy", "Option", "OptionResult", "compare", "order_footprint", "scenario",
           "scenario_from_file", "transport_kg"]
