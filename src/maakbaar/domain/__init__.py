"""The shop's domain model: pure, validated, immutable values. No database or web imports here."""

from .calendars import Break, Calendar, Closure, Holiday, Shift
from .company import CompanyProfile
from .common import (
    DomainError,
    MaterialFamily,
    OperationStatus,
    OrderStatus,
    QuoteStatus,
    StockKind,
    WorkCenterType,
    validation_reasons,
)
from .materials import Material, StockItem
from .orders import Order, OrderLine, QuantityBreak, Quote, QuoteLine, WorkOrder, WorkOrderOperation
from .parts import Part, RoutingStep
from .resources import Customer, Machine, MachineCapabilities, Operator, SetupTime, Skill, WorkCenter
from .shop import Shop, ShopReferences, reference_problems

__all__ = [
    "Break", "Calendar", "Closure", "CompanyProfile", "Customer", "DomainError", "Holiday", "Machine", "MachineCapabilities",
    "Material", "MaterialFamily", "OperationStatus", "Operator", "Order", "OrderLine", "OrderStatus", "Part",
    "QuantityBreak", "Quote", "QuoteLine", "QuoteStatus", "RoutingStep", "SetupTime", "Shift", "Shop", "ShopReferences",
    "Skill", "StockItem", "StockKind", "WorkCenter", "WorkCenterType", "WorkOrder", "WorkOrderOperation",
    "validation_reasons", "reference_problems",
]
