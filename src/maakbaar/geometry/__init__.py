"""Geometry of sheet-metal flat patterns from DXF: contours, cut length, pierces, area, bends.

Pure: a file path or bytes in, plain data out (``read_dxf``), or a clear ``DxfProblem`` naming what is
wrong and where.
"""

from .dxf import DxfProblem, DxfSettings, PartGeometry, read_dxf, read_dxf_bytes

__all__ = ["DxfProblem", "DxfSettings", "PartGeometry", "read_dxf", "read_dxf_bytes"]
