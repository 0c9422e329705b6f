"""Quoting (calculatie): cost per part and quantity break from its geometry and editable reference tables.

Pure: plain data in (part figures, material, tables), plain data out (a breakdown per quantity).
"""

from .model import CostError, CostTables, PartInput, PartQuote, QuantityQuote, quote_part

__all__ = ["CostError", "CostTables", "PartInput", "PartQuote", "QuantityQuote", "quote_part"]
