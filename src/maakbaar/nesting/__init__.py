"""Nesting parts onto sheets and remnants (pure): the layout model, an independent layout checker,
``nest`` with packingsolver, and a bounding-box shelf packer (fallback and baseline)."""

from .checker import LayoutViolation, check_layout
from .jobs import GroupNest, NestOutcome, PartCost, nest_by_material, nest_group
from .model import Layout, NestPart, Placement, SheetSpec
from .packing import NestResult, nest
from .remnants import Offcut, RemnantRule, fill_from_one_side, offcut
from .shelf import shelf_nest
from .strip import StripResult, strip_nest

__all__ = ["GroupNest", "Layout", "LayoutViolation", "NestOutcome", "NestPart", "NestResult", "Offcut", "PartCost",
           "Placement", "RemnantRule", "SheetSpec", "StripResult", "check_layout", "fill_from_one_side", "nest",
           "nest_by_material", "nest_group", "offcut", "shelf_nest", "strip_nest"]
