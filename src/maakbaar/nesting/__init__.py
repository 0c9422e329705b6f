"""Nesting parts onto sheets and remnants (pure). This first part: the layout model, an independent
layout checker and a bounding-box shelf packer (the baseline and fallback). packingsolver and spyrrow
come next (issue 5)."""

from .checker import LayoutViolation, check_layout
from .model import Layout, NestPart, Placement, SheetSpec
from .shelf import shelf_nest

__all__ = ["Layout", "LayoutViolation", "NestPart", "Placement", "SheetSpec", "check_layout", "shelf_nest"]
