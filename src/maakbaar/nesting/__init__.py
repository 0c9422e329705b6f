"""Nesting parts onto sheets and remnants (pure): the layout model, an independent layout checker,
``nest`` with packingsolver, and a bounding-box shelf packer (fallback and baseline)."""

from .checker import LayoutViolation, check_layout
from .model import Layout, NestPart, Placement, SheetSpec
from .packing import NestResult, nest
from .shelf import shelf_nest

__all__ = ["Layout", "LayoutViolation", "NestPart", "NestResult", "Placement", "SheetSpec", "check_layout", "nest",
           "shelf_nest"]
