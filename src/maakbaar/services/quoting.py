"""Quote parts from DXF flat patterns with the shop's materials, machines and cost tables. Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from .errors import InvalidInput
from .order_service import next_number, next_order_number
from .. import clock
from . import company_service, cost_service
from ..costing.model import CostError, CostTables, MachineLimits, MaterialInput, PartInput, PartQuote, quote_part
from ..documents import Party
from ..reasons import Reason
from ..domain import Part, QuantityBreak, Quote, QuoteLine, QuoteStatus, RoutingStep, WorkCenterType
from ..geometry import DxfProblem, PartGeometry, read_dxf
from ..store.repositories import NotFoundError, Repositories


class QuoteError(InvalidInput):
    pass


@dataclass(frozen=True)
class QuotedPart:
    source: str  # file name, and the part's index when a file holds several
    geometry: PartGeometry
    quote: PartQuote
    material: str
    thickness_mm: float
    finish: str
    weld_length_mm: float
    path: Path | None = None  # the drawing it came from (kept on the part, so nesting uses the real shape)


@dataclass(frozen=True)
class QuoteRun:
    parts: list[QuotedPart]
    problems: list[Reason]  # files that could not be quoted, each with its reasons (dxf.file; i18n.say)


def _limits(session: Session) -> tuple[MachineLimits | None, list[MachineLimits]]:
    repos = Repositories(session)
    types = {w.code: w.type for w in repos.work_centers.list()}
    lasers, brakes = [], []
    for machine in repos.machines.list():
        if not machine.active:
            continue
        caps = machine.capabilities
        limits = MachineLimits(caps.max_sheet_length_mm, caps.max_sheet_width_mm,
                               {k.value: v for k, v in caps.max_thickness_mm.items()}, caps.bend_length_mm)
        if types.get(machine.work_center) == WorkCenterType.LASER:
            lasers.append(limits)
        elif types.get(machine.work_center) == WorkCenterType.PRESS_BRAKE:
            brakes.append(limits)
    laser = max(lasers, key=lambda l: (l.max_sheet_length_mm or 0) * (l.max_sheet_width_mm or 0), default=None)
    return laser, brakes


def quote_files(session: Session, files: list[Path], material: str, thickness_mm: float, quantities: list[int],
                finish: str = "none", weld_length_mm: float = 0.0, tables: CostTables | None = None,
                on_file: Callable[[Path], None] | None = None) -> QuoteRun:
    repos = Repositories(session)
    stored = repos.materials.get(material)
    if stored is None:
        known = ", ".join(repos.materials.keys()) or "none yet"
        raise QuoteError(f"unknown material '{material}' (known: {known})", code="quote.unknown_material",
                         material=material, known=", ".join(repos.materials.keys()) or "-")
    material_input = MaterialInput(stored.grade, stored.family.value, stored.density_kg_m3, stored.price_per_kg,
                                   stored.co2_per_kg)
    laser, brakes = _limits(session)
    tables = tables or cost_service.tables(session)
    parts, problems = [], []
    for path in files:
        try:
            geometries = read_dxf(path)
            for index, geometry in enumerate(geometries, 1):
                name = path.name if len(geometries) == 1 else f"{path.name} #{index}"
                part_input = PartInput(
                    name=name, material=material_input, thickness_mm=thickness_mm,
                    cut_length_mm=geometry.cut_length_mm, pierces=geometry.pierces,
                    net_area_mm2=geometry.net_area_mm2, length_mm=geometry.length_mm, width_mm=geometry.width_mm,
                    rapid_mm=geometry.rapid_mm, engrave_mm=geometry.engrave_length_mm, bends=geometry.bends,
                    bend_length_mm=geometry.bend_length_mm, weld_length_mm=weld_length_mm, finish=finish)
                quote = quote_part(part_input, quantities, tables, laser, brakes)
                parts.append(QuotedPart(name, geometry, quote, material, thickness_mm, finish, weld_length_mm,
                                        path.resolve()))
        except DxfProblem as error:
            problems.append(Reason.of("dxf.file", file=path.name, problems=tuple(error.reasons)))
        except CostError as error:
            problems.append(error.reason)  # names the part (the file) itself
        if on_file:
            on_file(path)
    return QuoteRun(parts, problems)


def stored_geometry(part: Part | None) -> PartGeometry | None:
    """The shape of a part from the DXF it points to, when that file is still there and readable."""
    if part is None or not part.geometry_ref or not Path(part.geometry_ref).is_file():
        return None
    try:
        return read_dxf(Path(part.geometry_ref))[0]
    except DxfProblem:
        return None


def document_language(language: str | None) -> str | None:
    """The language a user asked a customer document in (None: the customer's own), refused when the app has
    no documents in it."""
    from ..i18n import DOCUMENT_LANGUAGES

    if language is None or language == "":
        return None
    if language not in DOCUMENT_LANGUAGES:
        choices = ", ".join(DOCUMENT_LANGUAGES)
        raise InvalidInput(f"'{language}' is not a language for documents ({choices})", field="lang",
                           code="error.document_language", language=language, choices=choices)
    return language


def addressee(session: Session, code: str | None) -> tuple[Party, str]:
    """The customer as a document addresses him, and the language his documents go out in."""
    customer = Repositories(session).customers.get(code) if code else None
    if customer is None:
        return Party(code or ""), "nl"
    return (Party(customer.name, customer.address, customer.postcode, customer.city, customer.country),
            customer.document_language)


def _stored_quote_document(session: Session, number: str, language: str | None) -> tuple:
    """What a stored quote's document shows: the arguments of ``quote_html`` and ``quote_pdf``."""
    from ..documents import DocumentLine

    repos = Repositories(session)
    quote = repos.quotes.get(number)
    if quote is None:
        raise NotFoundError("quote", number)
    lines = []
    for line in quote.lines:
        part = repos.parts.get(line.part)
        lines.append(DocumentLine(part.name if part else line.part, stored_geometry(part),
                                  part.material if part else "",
                                  part.thickness_mm if part else 0, "none",
                                  [(b.quantity, b.unit_price, b.lead_time_days) for b in line.breaks]))
    party, customer_language = addressee(session, quote.customer)
    return (company_service.sender(session), party, number, lines, document_language(language) or customer_language,
            quote.quote_date, (quote.valid_until - quote.quote_date).days)


def quote_document_html(session: Session, number: str, language: str | None = None) -> str:
    """The print-ready quote (HTML) of a stored quote, with each part's drawing where its DXF is still there, in
    ``language`` or else the customer's (``Customer.document_language``)."""
    from ..documents import quote_html

    return quote_html(*_stored_quote_document(session, number, language))


def quote_document_pdf(session: Session, number: str, language: str | None = None) -> bytes:
    """The same quote as a PDF to attach to an e-mail."""
    from ..documents import quote_pdf

    return quote_pdf(*_stored_quote_document(session, number, language))


def run_document_html(session: Session, run: QuoteRun, saved: Quote | None, language: str | None = None) -> str:
    """The print-ready quote of a run just made (saved or as a draft, 'concept')."""
    from ..documents import DocumentLine, quote_html

    lines = [DocumentLine(p.source, p.geometry, p.material, p.thickness_mm, p.finish,
                          [(b.quantity, b.unit_price, b.lead_time_days) for b in p.quote.breaks]) for p in run.parts]
    party, customer_language = addressee(session, saved.customer if saved else None)
    return quote_html(company_service.sender(session), party, saved.number if saved else "concept", lines,
                      document_language(language) or customer_language,
                      saved.quote_date if saved else clock.today(), company_service.profile(session)[0].quote_valid_days)


def parse_quantities(text: str) -> list[int]:
    """Quantity breaks as people type them: '1,10,50', '1; 10; 50', '50,10,1,10' (sorted, each once)."""
    try:
        values = sorted({int(v) for v in str(text).replace(";", ",").split(",") if v.strip()})
    except ValueError:
        raise QuoteError(f"'{text}' is not a list of whole numbers like 1,10,50", field="quantities",
                         code="quote.quantities_text", text=str(text)) from None
    if not values or values[0] <= 0:
        raise QuoteError("quantities must be above zero, like 1,10,50", field="quantities", code="quote.quantities")
    return values


def quote_drawings(session: Session, files: list[Path], material: str, thickness_mm: float,
                   quantities: list[int] | str, finish: str = "none", weld_length_mm: float = 0.0,
                   standard_lead_time: bool = False, on_file: Callable[[Path], None] | None = None) -> QuoteRun:
    """The use case behind every quote (page, API and CLI): price the drawings and, when a plan exists, give
    lead times from the shop's load (``standard_lead_time`` keeps the standard ones)."""
    from .planning_service import current_plan_row

    if isinstance(quantities, str):
        quantities = parse_quantities(quantities)
    run = quote_files(session, files, material, thickness_mm, quantities, finish, weld_length_mm, on_file=on_file)
    if run.parts and not standard_lead_time and current_plan_row(session) is not None:
        run = apply_plan_lead_times(session, run)
    return run


def quote_and_save(session: Session, files: list[Path], material: str, thickness_mm: float,
                   quantities: list[int] | str, customer: str, finish: str = "none", weld_length_mm: float = 0.0,
                   standard_lead_time: bool = False) -> tuple[QuoteRun, Quote]:
    """Quote the drawings and store the parts and the quote for ``customer`` (one home for page, API, CLI)."""
    run = quote_drawings(session, files, material, thickness_mm, quantities, finish, weld_length_mm,
                         standard_lead_time)
    return run, save_quote(session, run, customer)


def save_quote(session: Session, run: QuoteRun, customer: str, today: dt.date | None = None,
               valid_days: int | None = None) -> Quote:
    """Store the quoted parts (with a routing from their figures) and a quote with its quantity breaks, valid for
    ``valid_days`` (the company profile's validity unless given)."""
    if valid_days is None:
        valid_days = company_service.profile(session)[0].quote_valid_days
    repos = Repositories(session)
    if repos.customers.get(customer) is None:
        raise QuoteError(f"unknown customer '{customer}'", code="error.not_found", what="customer", key=customer)
    if not run.parts:
        raise QuoteError("nothing to save: no part could be quoted", code="quote.nothing")
    today = today or clock.today()
    number = next_number(repos.quotes.keys(), f"OFF-{today:%y}")
    lines = []
    for index, quoted in enumerate(run.parts, 1):
        part_number = f"{number}-{index}"
        part = _part_from_quote(session, quoted, part_number, customer)
        if quoted.path is not None:  # keep where the DXF lies, so nesting can use the real shape
            part = part.model_copy(update={"geometry_ref": str(quoted.path)})
        repos.parts.add(part)
        lines.append(QuoteLine(line_no=index, part=part_number, breaks=tuple(
            QuantityBreak(quantity=b.quantity, unit_price=b.unit_price, lead_time_days=b.lead_time_days)
            for b in quoted.quote.breaks)))
    quote = Quote(number=number, customer=customer, quote_date=today, valid_until=today + dt.timedelta(days=valid_days),
                  status=QuoteStatus.DRAFT, lines=tuple(lines))
    repos.quotes.add(quote)
    return quote


def _part_from_quote(session: Session, quoted: QuotedPart, number: str, customer: str | None) -> Part:
    repos = Repositories(session)
    types = {w.code: w.type for w in repos.work_centers.list()}
    by_type: dict[WorkCenterType, list[str]] = {}
    for machine in repos.machines.list():
        if machine.active:
            by_type.setdefault(types[machine.work_center], []).append(machine.code)
    q, g = quoted.quote, quoted.geometry
    steps, sequence = [], 10
    plan = [("laser", WorkCenterType.LASER, True, False), ("deburring", WorkCenterType.DEBURRING, False, True),
            ("bending", WorkCenterType.PRESS_BRAKE, False, True), ("welding", WorkCenterType.WELDING, False, True)]
    for key, kind, unattended, may_pause in plan:
        if key not in q.minutes_per_piece or not by_type.get(kind):
            continue
        family = f"{quoted.material} {quoted.thickness_mm:g} mm" if kind == WorkCenterType.LASER else ""
        steps.append(RoutingStep(sequence=sequence, work_center_type=kind, eligible_machines=tuple(by_type[kind]),
                                 description=key, setup_min=round(q.setup_minutes.get(key, 0), 2),
                                 run_min_per_piece=round(q.minutes_per_piece[key], 3), setup_family=family,
                                 unattended=unattended, may_pause=may_pause))
        sequence += 10
    if quoted.finish != "none":
        days = 5 if quoted.finish == "powder" else 4
        steps.append(RoutingStep(sequence=sequence, work_center_type=WorkCenterType.SUBCONTRACT,
                                 description="Poedercoaten" if quoted.finish == "powder" else "Thermisch verzinken",
                                 subcontract_lead_days=days))
    return Part(number=number, name=Path(quoted.source).stem[:150] or number, customer=customer,
                material=quoted.material, thickness_mm=quoted.thickness_mm, geometry_ref=quoted.source,
                length_mm=round(g.length_mm, 3), width_mm=round(g.width_mm, 3), net_area_mm2=round(g.net_area_mm2, 3),
                cut_length_mm=round(g.cut_length_mm, 3), pierces=g.pierces, bends=g.bends,
                bend_length_mm=round(g.bend_length_mm, 3), weld_length_mm=quoted.weld_length_mm,
                coated_area_m2=round(2 * g.net_area_mm2 / 1e6, 4) if quoted.finish == "powder" else 0.0,
                routing=tuple(steps))


def order_from_quote(session: Session, quote_number: str, quantities: dict[int, int] | None = None,
                     due_date: dt.date | None = None, today: dt.date | None = None, priority: int = 3):
    """Turn an accepted quote into an order: per line the chosen quantity (default the first break) at the
    price of the largest break not above it; due date from the lead time unless given."""
    from ..domain import Order, OrderLine, OrderStatus

    repos = Repositories(session)
    quote = repos.quotes.get(quote_number)
    if quote is None:
        raise NotFoundError("quote", quote_number)
    today = today or clock.today()
    lines, lead = [], 0
    for line in quote.lines:
        quantity = (quantities or {}).get(line.line_no, line.breaks[0].quantity)
        if quantity <= 0:
            raise QuoteError(f"quote {quote_number} line {line.line_no}: quantity must be above zero",
                             code="quote.line_quantity", quote=quote_number, line=line.line_no)
        applicable = [b for b in line.breaks if b.quantity <= quantity] or [line.breaks[0]]
        chosen = applicable[-1]
        lead = max(lead, chosen.lead_time_days)
        lines.append(OrderLine(line_no=line.line_no, part=line.part, quantity=quantity, unit_price=chosen.unit_price))
    if due_date is None:
        due_date, counted = today, 0
        while counted < lead:
            due_date += dt.timedelta(days=1)
            if due_date.weekday() < 5:
                counted += 1
    number = next_order_number(session, today)
    order = Order(number=number, customer=quote.customer, customer_reference=f"offerte {quote_number}",
                  order_date=today, release_date=today, due_date=due_date, priority=priority,
                  status=OrderStatus.ORDERED, lines=tuple(lines))
    repos.orders.add(order)
    repos.quotes.replace(quote.model_copy(update={"status": QuoteStatus.ACCEPTED}))
    return order


def working_days_between(start: dt.date, end: dt.date) -> int:
    days, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


def apply_plan_lead_times(session: Session, run: QuoteRun, today: dt.datetime | None = None) -> QuoteRun:
    """Lead times from today's load (the planning engine's promise) instead of the standard ones."""
    import dataclasses

    from .planning_service import promise_parts

    items, where = [], []
    for index, quoted in enumerate(run.parts):
        part = _part_from_quote(session, quoted, f"QUOTE-PART-{index + 1}", customer=None)
        for b_index, b in enumerate(quoted.quote.breaks):
            items.append((part, b.quantity))
            where.append((index, b_index))
    if not items:
        return run
    moments = promise_parts(session, items, today)
    start = (today or clock.now()).date()
    parts = list(run.parts)
    days: dict[tuple[int, int], int] = {key: max(1, working_days_between(start, moment.date()))
                                        for key, moment in zip(where, moments)}
    for index, quoted in enumerate(parts):
        breaks = list(quoted.quote.breaks)
        # a smaller quantity fits in the slots the larger one was promised (each step shorter, same starts), so
        # it is never promised later; the insertion heuristic alone can say so (seen: 10 days for 1 piece and 8
        # for 2000 on one day's load)
        soonest = None
        for b_index in sorted(range(len(breaks)), key=lambda k: -breaks[k].quantity):
            if (index, b_index) not in days:
                continue
            soonest = days[(index, b_index)] if soonest is None else min(soonest, days[(index, b_index)])
            breaks[b_index] = dataclasses.replace(breaks[b_index], lead_time_days=soonest)
        parts[index] = dataclasses.replace(quoted, quote=dataclasses.replace(quoted.quote, breaks=tuple(breaks)))
    return QuoteRun(parts, run.problems)


def run_as_dict(run: QuoteRun, lang: str = "en") -> dict:
    """A quote run as plain JSON-ready data (CLI --json and the web API), its problems in ``lang``."""
    from ..i18n import say

    out = {"parts": [], "problems": [say(problem, lang) for problem in run.problems]}
    for quoted in run.parts:
        g, q = quoted.geometry, quoted.quote
        out["parts"].append({
            "part": quoted.source, "material": quoted.material, "thickness_mm": quoted.thickness_mm,
            "geometry": {"cut_length_mm": round(g.cut_length_mm, 3), "outer_cut_mm": round(g.outer_cut_mm, 3),
                         "inner_cut_mm": round(g.inner_cut_mm, 3), "pierces": g.pierces,
                         "net_area_mm2": round(g.net_area_mm2, 3), "length_mm": round(g.length_mm, 3),
                         "width_mm": round(g.width_mm, 3), "convex_hull_area_mm2": round(g.convex_hull_area_mm2, 3),
                         "bends": g.bends, "bend_length_mm": round(g.bend_length_mm, 3),
                         "rapid_mm": round(g.rapid_mm, 1)},
            "mass_kg": round(q.mass_kg, 4), "minutes_per_piece": {k: round(v, 3) for k, v in q.minutes_per_piece.items()},
            "setup_minutes": q.setup_minutes, "energy_kwh": round(q.energy_kwh, 4),
            "co2_kg": {"process": round(q.co2_process_kg, 4), "material": round(q.co2_material_kg, 4)},
            "breaks": [{"quantity": b.quantity, "unit_price": b.unit_price, "total_price": b.total_price,
                        "lead_time_days": b.lead_time_days,
                        "lines": {line.key: round(line.amount, 4) for line in b.lines}} for b in q.breaks],
            "tables": q.tables, "used": [{"path": path, "value": value} for path, value in q.used],
        })
    return out
