"""A believable Dutch job shop to try maakbaar on: same seed and start date, same shop.

One 6 kW fiber laser on two shifts, two press brakes, three welding stations, CNC mill and lathe,
deburring, assembly, inspection and subcontracted powder coating and galvanising; 13 operators whose
skills overlap but not fully; 15 customers; 60-80 open orders due over the next three weeks, some
already late. Machines, rates and materials come from the data files in ``maakbaar/data``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from functools import cache
from importlib import resources

from .. import clock
from ..costing.model import CostTables, MaterialInput, PartInput, laser_seconds, quote_part
from ..domain import (
    Break,
    Calendar,
    Customer,
    Holiday,
    Machine,
    Material,
    MaterialFamily,
    OperationStatus,
    Operator,
    Order,
    OrderLine,
    OrderStatus,
    Part,
    QuantityBreak,
    Quote,
    QuoteLine,
    QuoteStatus,
    RoutingStep,
    Shift,
    Skill,
    StockItem,
    StockKind,
    WorkCenter,
    WorkCenterType,
    WorkOrder,
    WorkOrderOperation,
)
from ..domain import Shop

T = dt.time
W = WorkCenterType


def reference_data(name: str) -> dict:
    return json.loads(resources.files("maakbaar.data").joinpath(name).read_text(encoding="utf-8"))


def reference_materials() -> list[Material]:
    return [Material(**m) for m in reference_data("materials.json")["materials"]]


# ---------------------------------------------------------------- calendars

def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def dutch_holidays(year: int) -> list[Holiday]:
    """Public holidays most metal-industry collective agreements give off (Bevrijdingsdag every 5 years)."""
    e = easter(year)
    kings_day = dt.date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day -= dt.timedelta(days=1)
    days = [
        (dt.date(year, 1, 1), "Nieuwjaarsdag"),
        (e + dt.timedelta(days=1), "Tweede paasdag"),
        (kings_day, "Koningsdag"),
        (e + dt.timedelta(days=39), "Hemelvaartsdag"),
        (e + dt.timedelta(days=50), "Tweede pinksterdag"),
        (dt.date(year, 12, 25), "Eerste kerstdag"),
        (dt.date(year, 12, 26), "Tweede kerstdag"),
    ]
    if year % 5 == 0:
        days.append((dt.date(year, 5, 5), "Bevrijdingsdag"))
    return [Holiday(date=d, name=n) for d, n in sorted(days)]


def _week(start: T, end: T, breaks: list[tuple[T, T]], days=range(5), name: str = "") -> list[Shift]:
    return [
        Shift(weekday=d, start=start, end=end, name=name, breaks=tuple(Break(start=a, end=b) for a, b in breaks))
        for d in days
    ]


def demo_calendars(start: dt.date) -> list[Calendar]:
    holidays = tuple(dutch_holidays(start.year) + dutch_holidays(start.year + 1))
    day = _week(T(7, 0), T(16, 0), [(T(10, 0), T(10, 15)), (T(12, 30), T(13, 0))], name="dagdienst")
    early = _week(T(6, 0), T(14, 30), [(T(9, 30), T(9, 45)), (T(12, 0), T(12, 30))], name="vroege dienst")
    late = _week(T(14, 30), T(23, 0), [(T(17, 30), T(18, 0)), (T(20, 30), T(20, 45))], name="late dienst")
    return [
        Calendar(code="DAG", name="Dagdienst ma-vr 07:00-16:00", shifts=tuple(day), holidays=holidays),
        Calendar(code="TWEEPLOEG", name="Twee ploegen ma-vr 06:00-23:00", shifts=tuple(early + late),
                 holidays=holidays),
        Calendar(code="VROEG", name="Vroege dienst ma-vr 06:00-14:30", shifts=tuple(early), holidays=holidays),
        Calendar(code="LAAT", name="Late dienst ma-vr 14:30-23:00", shifts=tuple(late), holidays=holidays),
        Calendar(code="MACHINE-DAG", name="Machine beschikbaar ma-vr 07:00-16:00 (loopt door in pauzes)",
                 shifts=tuple(_week(T(7, 0), T(16, 0), [], name="dag")), holidays=holidays),
        Calendar(code="MACHINE-2PLOEG", name="Machine beschikbaar ma-vr 06:00-23:00 (loopt door in pauzes)",
                 shifts=tuple(_week(T(6, 0), T(23, 0), [], name="twee ploegen")), holidays=holidays),
        Calendar(code="DEELTIJD", name="Deeltijd ma-do 07:00-16:00", shifts=tuple(_week(
            T(7, 0), T(16, 0), [(T(10, 0), T(10, 15)), (T(12, 30), T(13, 0))], days=range(4), name="dagdienst")),
            holidays=holidays),
    ]


# ---------------------------------------------------------------- people

OPERATORS = [
    ("OP01", "Jan de Vries", "VROEG", {W.LASER: 3, W.PRESS_BRAKE: 2}),
    ("OP02", "Daan Vermeulen", "LAAT", {W.LASER: 2, W.PRESS_BRAKE: 1}),
    ("OP03", "Sanne Jansen", "DAG", {W.LASER: 2, W.PRESS_BRAKE: 3}),
    ("OP04", "Kees Visser", "DAG", {W.PRESS_BRAKE: 3, W.WELDING: 1}),
    ("OP05", "Joost Hendriks", "DAG", {W.PRESS_BRAKE: 2, W.WELDING: 2}),
    ("OP06", "Mohamed El Amrani", "DAG", {W.WELDING: 3, W.ASSEMBLY: 2}),
    ("OP07", "Tom Smit", "DAG", {W.WELDING: 2, W.DEBURRING: 2}),
    ("OP08", "Eva Mulder", "DAG", {W.WELDING: 3, W.INSPECTION: 2}),
    ("OP09", "Bram de Boer", "DAG", {W.CNC_MILLING: 3, W.CNC_TURNING: 2}),
    ("OP10", "Lars Meijer", "DAG", {W.CNC_TURNING: 3, W.CNC_MILLING: 1}),
    ("OP11", "Ruud Bos", "DAG", {W.ASSEMBLY: 3, W.DEBURRING: 2, W.INSPECTION: 2}),
    ("OP12", "Fleur Dekker", "DEELTIJD", {W.INSPECTION: 3, W.ASSEMBLY: 2}),
    ("OP13", "Pieter Bakker", "LAAT", {W.LASER: 2, W.DEBURRING: 2}),
]

CUSTOMERS = [
    ("Agrivoer Systemen BV", "Barneveld", "3771"), ("Machinebouw Van Leeuwen", "Deventer", "7418"),
    ("Klimaattechniek Brabant", "Tilburg", "5048"), ("Hekwerk & Trappen Oost", "Hengelo", "7554"),
    ("Foodtech Westland BV", "Naaldwijk", "2671"), ("Scheepsbouw Noord Staal", "Harlingen", "8861"),
    ("Installatiebedrijf De Klerk", "Amersfoort", "3821"), ("Robotica Delta BV", "Delft", "2628"),
    ("Bouwkranen Veluwe", "Ede", "6716"), ("Medisch Meubilair Twente", "Enschede", "7521"),
    ("Zonnepark Montage BV", "Emmen", "7825"), ("Verpakkingslijnen Rijnmond", "Rotterdam", "3089"),
    ("Laadpalen Nederland BV", "Utrecht", "3542"), ("Interieurbouw Ateliers Zuid", "Eindhoven", "5651"),
    ("Landbouwmechanisatie Kuipers", "Dronten", "8251"),
]

STREETS = ["Industrieweg", "Ambachtsstraat", "Nijverheidsweg", "Havenstraat", "Energieweg", "Edisonstraat"]

# ---------------------------------------------------------------- parts

@cache
def _tables() -> CostTables:
    """The shipped cost tables, read once per process (the demo prices hundreds of lines)."""
    return CostTables.default()


def _laser_minutes(family: MaterialFamily, thickness: float, cut_length_mm: float, pierces: int) -> float:
    """The laser time a quote would give (``costing``, from the shipped cutting speeds)."""
    return laser_seconds(_tables(), family.value, thickness, cut_length_mm, pierces) / 60


PART_KINDS = [
    # name, materials, thicknesses, length range, width range, bends, welded, finish, extra
    ("Montagebeugel", ["S235JR", "DX51D+Z275"], [2, 3, 4, 5], (80, 260), (40, 140), (1, 3), False, "galv", None),
    ("Afdekplaat", ["S235JR", "DC01", "1.4301"], [1, 1.5, 2, 3], (300, 1200), (200, 800), (2, 4), False, "coat", None),
    ("Frame gelast", ["S235JR", "S355J2"], [3, 4, 5, 6, 8], (500, 2000), (300, 1000), (0, 2), True, "coat", "assembly"),
    ("RVS behuizing", ["1.4301", "1.4404"], [1.5, 2, 3], (300, 900), (200, 600), (4, 8), True, None, "inspection"),
    ("Frontplaat aluminium", ["EN AW-5083"], [2, 3, 4, 5], (200, 700), (100, 400), (0, 2), False, None, "inspection"),
    ("Flens", ["S235JR", "S355J2"], [8, 10, 12, 15], (120, 400), (120, 400), (0, 0), False, None, "turning"),
    ("Lagerblok", ["S355J2"], [15, 20], (80, 220), (60, 160), (0, 0), False, None, "milling"),
    ("Console", ["S355J2", "S235JR"], [6, 8, 10], (200, 700), (150, 400), (1, 2), True, "galv", None),
    ("Machinekap", ["1.4301"], [1.5, 2], (1400, 2800), (700, 1400), (4, 6), True, None, "assembly"),
    ("Trapboom", ["S235JR"], [6, 8], (1800, 2900), (200, 320), (0, 0), True, "galv", None),
]


def _round(value: float, step: float = 0.1) -> float:
    return round(round(value / step) * step, 4)


def make_part(rng: random.Random, number: str, customer: str, materials: dict[str, Material]) -> Part:
    kind, grades, thicknesses, (l0, l1), (w0, w1), (b0, b1), welded, finish, extra = rng.choice(PART_KINDS)
    grade = rng.choice(grades)
    family = materials[grade].family
    thickness = rng.choice(thicknesses)
    length = float(rng.randrange(l0, l1 + 1, 5))
    width = float(rng.randrange(w0, min(w1, int(length)) + 1, 5)) if w0 <= length else length
    holes = rng.randint(0, 12)
    fill = rng.uniform(0.62, 0.95)
    net_area = _round(length * width * fill, 1)
    cut_length = _round(2 * (length + width) * rng.uniform(1.0, 1.5) + holes * rng.uniform(25, 90), 1)
    bends = rng.randint(b0, b1)
    bend_length = _round(bends * rng.uniform(0.5, 1.0) * width, 1)
    weld_length = _round(rng.uniform(200, 3000), 1) if welded else 0.0
    coated = _round(2 * net_area / 1e6, 0.001) if finish == "coat" else 0.0

    steps: list[RoutingStep] = []
    seq = 10

    def add(**kwargs):
        nonlocal seq
        steps.append(RoutingStep(sequence=seq, **kwargs))
        seq += 10

    add(work_center_type=W.LASER, eligible_machines=("LAS01",), description="Lasersnijden",
        setup_min=float(rng.choice([8, 10, 12, 15])),
        run_min_per_piece=_round(_laser_minutes(family, thickness, cut_length, holes + 1), 0.05),
        setup_family=f"{grade} {thickness:g} mm", unattended=True, may_pause=False)
    if holes > 6 or family == MaterialFamily.ALUMINIUM or extra in ("turning", "milling"):
        add(work_center_type=W.DEBURRING, eligible_machines=("ONTBR01",), description="Ontbramen",
            setup_min=5.0, run_min_per_piece=_round(rng.uniform(0.4, 1.5), 0.05), setup_family="borstel",
            may_pause=True)
    if bends:
        long_or_heavy = length > 1200 or thickness > 5 or (family == MaterialFamily.STAINLESS and thickness > 4)
        brakes = ("KB01",) if long_or_heavy else ("KB01", "KB02")
        die = max(6, int(round(thickness * 8)))
        add(work_center_type=W.PRESS_BRAKE, eligible_machines=brakes, description=f"Zetten ({bends}x)",
            setup_min=float(rng.choice([12, 15, 20, 25])),
            run_min_per_piece=_round(0.3 + bends * rng.uniform(0.35, 0.6), 0.05),
            setup_family=f"V{die}", may_pause=True)
    if extra == "turning":
        add(work_center_type=W.CNC_TURNING, eligible_machines=("DRAAI01",), description="Draaien (vlakken, boren)",
            setup_min=float(rng.choice([30, 45, 60])), run_min_per_piece=_round(rng.uniform(3, 12), 0.5),
            setup_family=rng.choice(["klauwplaat-3", "spantang"]), unattended=True, may_pause=True)
    if extra == "milling":
        add(work_center_type=W.CNC_MILLING, eligible_machines=("FREES01",), description="Frezen en tappen",
            setup_min=float(rng.choice([45, 60, 90])), run_min_per_piece=_round(rng.uniform(8, 30), 0.5),
            setup_family=rng.choice(["bankschroef", "opspanplaat"]), unattended=True, may_pause=True)
    if welded:
        stations = ("TIG01",) if family in (MaterialFamily.STAINLESS, MaterialFamily.ALUMINIUM) else ("MIG01", "MIG02")
        add(work_center_type=W.WELDING, eligible_machines=stations,
            description="Lassen TIG" if stations == ("TIG01",) else "Lassen MIG/MAG",
            setup_min=float(rng.choice([10, 15, 20])),
            run_min_per_piece=_round(weld_length / 1000 * 9 + rng.uniform(1, 4), 0.5),
            setup_family="TIG" if stations == ("TIG01",) else "MAG", may_pause=True)
    if finish == "coat":
        add(work_center_type=W.SUBCONTRACT, description=f"Poedercoaten RAL {rng.choice(['9005', '7016', '9010', '5010'])}",
            subcontract_lead_days=5, supplier="Poedercoat Twente BV")
    elif finish == "galv":
        add(work_center_type=W.SUBCONTRACT, description="Thermisch verzinken", subcontract_lead_days=4,
            supplier="Verzinkerij Zuid BV")
    if extra == "assembly":
        add(work_center_type=W.ASSEMBLY, eligible_machines=("MONT01", "MONT02"), description="Monteren",
            setup_min=15.0, run_min_per_piece=_round(rng.uniform(10, 45), 1), may_pause=True)
    if extra == "inspection" or rng.random() < 0.15:
        add(work_center_type=W.INSPECTION, eligible_machines=("QC01",), description="Eindcontrole en meetrapport",
            setup_min=5.0, run_min_per_piece=_round(rng.uniform(0.5, 2), 0.5), may_pause=True)

    return Part(
        number=number, revision=rng.choice(["A", "A", "B", "C"]), name=f"{kind} {length:g}x{width:g}",
        customer=customer, material=grade, thickness_mm=thickness, length_mm=length, width_mm=width,
        net_area_mm2=net_area, cut_length_mm=cut_length, pierces=holes + 1, bends=bends, bend_length_mm=bend_length,
        weld_length_mm=weld_length, coated_area_m2=coated, routing=tuple(steps),
    )


def quoted_unit_price(part: Part, material: Material, quantity: int) -> float:
    """The price per piece a quote for this part would give (``costing.quote_part``, the shipped reference
    tables), so the demo's order values and its quotes agree."""
    subcontracted = " ".join(step.description.lower() for step in part.routing if step.is_subcontracted)
    finish = "powder" if "poeder" in subcontracted else "galvanise" if "verzink" in subcontracted else "none"
    quoted = quote_part(PartInput(
        name=part.number, material=MaterialInput(material.grade, material.family.value, material.density_kg_m3,
                                                 material.price_per_kg, material.co2_per_kg),
        thickness_mm=part.thickness_mm, cut_length_mm=part.cut_length_mm, pierces=part.pierces,
        net_area_mm2=part.net_area_mm2, length_mm=part.length_mm, width_mm=part.width_mm, bends=part.bends,
        bend_length_mm=part.bend_length_mm, weld_length_mm=part.weld_length_mm, finish=finish,
        coated_area_m2=part.coated_area_m2 or None), [quantity], _tables())
    return quoted.breaks[0].unit_price


# ---------------------------------------------------------------- orders


def _working_day(day: dt.date, holidays: set[dt.date], direction: int = 1) -> dt.date:
    while day.weekday() >= 5 or day in holidays:
        day += dt.timedelta(days=direction)
    return day


QUANTITIES = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100, 150, 250]


def _delivered_history(rng: random.Random, start: dt.date, customers, parts_by_customer, materials,
                       holidays) -> list[Order]:
    """Orders delivered in the last eight weeks (most on time, some late), for delivery reliability."""
    out = []
    for k in range(rng.randint(45, 60)):
        customer = rng.choice(customers)
        part = rng.choice(parts_by_customer[customer.code])
        due = _working_day(start - dt.timedelta(days=rng.randint(1, 56)), holidays, -1)
        draw = rng.random()
        slip = 0 if draw < 0.72 else -rng.randint(1, 2) if draw < 0.85 else rng.randint(1, 6)
        delivered = min(_working_day(due + dt.timedelta(days=slip), holidays, -1), start - dt.timedelta(days=1))
        order_date = _working_day(due - dt.timedelta(days=rng.randint(10, 30)), holidays, -1)
        quantity = rng.choice(QUANTITIES[:10])
        out.append(Order(number=f"ORD-{start.year % 100:02d}{9001 + k:04d}", customer=customer.code,
                         customer_reference=f"PO {rng.randint(4400000, 4499999)}", order_date=order_date,
                         release_date=order_date, due_date=due, status=OrderStatus.DELIVERED,
                         delivered_date=delivered, lines=(OrderLine(
                             line_no=1, part=part.number, quantity=quantity,
                             unit_price=quoted_unit_price(part, materials[part.material], quantity)),)))
    return out


def build_demo_shop(seed: int = 1, start: dt.date | None = None, order_count: int | None = None,
                    load: float = 1.0) -> Shop:
    """The demo shop as one validated value. ``start`` is 'today' in the shop (default: today).

    ``order_count`` makes a larger (or smaller) shop for benchmarks: due dates spread in proportion and the
    share of orders past due or promised within days shrinks in proportion, so the load per week stays
    that of the demo. ``load`` above 1 promises the orders with a normal lead time that many times sooner
    (a busier shop: more work due each week; the lead time a shop would quote stays the minimum)."""
    start = start or clock.today()
    rng = random.Random(f"maakbaar-demo-{seed}")
    materials = {m.grade: m for m in reference_materials()}
    calendars = demo_calendars(start)
    holidays = {h.date for h in calendars[0].holidays}
    layout = reference_data("demo_shop.json")
    work_centers = [WorkCenter(**w) for w in layout["work_centers"]]
    machines = [Machine(**m) for m in layout["machines"]]

    operators = [
        Operator(code=code, name=name, calendar=cal,
                 skills=tuple(Skill(work_center_type=t, level=level) for t, level in skills.items()))
        for code, name, cal, skills in OPERATORS
    ]

    customers = []
    for i, (name, city, postcode) in enumerate(CUSTOMERS, start=1):
        slug = name.split()[0].lower().replace("&", "")
        customers.append(Customer(
            code=f"K{1000 + i}", name=name, city=city,
            postcode=f"{postcode} {rng.choice('ABCDEGHJKLMNPRST')}{rng.choice('ABCDEGHJKLMNPRST')}",
            address=f"{rng.choice(STREETS)} {rng.randint(1, 180)}", country="NL",
            email=f"inkoop@{slug}.example", phone=f"0{rng.randint(100, 599)}-{rng.randint(100000, 999999)}",
        ))

    parts: list[Part] = []
    parts_by_customer: dict[str, list[Part]] = {}
    next_part = 20001
    for customer in customers:
        own = []
        for _ in range(rng.randint(3, 8)):
            part = make_part(rng, f"P{next_part}", customer.code, materials)
            next_part += 1
            own.append(part)
        parts.extend(own)
        parts_by_customer[customer.code] = own

    part_by_number = {p.number: p for p in parts}
    orders: list[Order] = []
    work_orders: list[WorkOrder] = []
    count = order_count if order_count is not None else rng.randint(62, 78)
    spread = max(1.0, count / 70)
    running: set[str] = set()  # machines with a started operation
    for i in range(count):
        customer = rng.choice(customers)
        chosen = rng.sample(parts_by_customer[customer.code], rng.choice([1, 1, 1, 2, 2, 3]))
        # the lead time a shop would normally quote: a working day per operation plus subcontracting
        lead = max(
            sum(1 for s in p.routing if not s.is_subcontracted)
            + sum((s.subcontract_lead_days or 0) * 7 / 5 for s in p.routing if s.is_subcontracted)
            for p in chosen
        )
        draw = rng.random()
        # as many past-due and tight orders per week as the demo has: a larger book covers more weeks,
        # not more orders due this week
        if draw < 0.08 / spread:  # already past its due date
            offset = -rng.randint(1, 4)
        elif draw < 0.2 / spread:  # promised tight
            offset = rng.randint(1, 4)
        else:  # promised with a normal lead time
            offset = max(int(rng.randint(3, 22) * spread / load), int(lead) + rng.randint(1, 6))
        due = _working_day(start + dt.timedelta(days=offset), holidays, -1)
        order_date = _working_day(min(due, start) - dt.timedelta(days=rng.randint(7, 28)), holidays, -1)
        release = _working_day(order_date + dt.timedelta(days=rng.randint(1, 5)), holidays)
        if rng.random() < 0.15:  # material still on its way
            release = _working_day(start + dt.timedelta(days=rng.randint(1, 6)), holidays)
            due = max(due, _working_day(release + dt.timedelta(days=int(lead) + 2), holidays))
        release = min(release, due)
        if due < start:
            status = rng.choice([OrderStatus.IN_PROGRESS, OrderStatus.IN_PROGRESS, OrderStatus.RELEASED])
        else:
            status = rng.choices([OrderStatus.ORDERED, OrderStatus.RELEASED, OrderStatus.IN_PROGRESS], [15, 60, 25])[0]
        if release > start and status == OrderStatus.IN_PROGRESS:
            status = OrderStatus.RELEASED
        priority = rng.choices([2, 3, 4, 5], [10, 70, 15, 5])[0]
        lines = []
        for line_no, part in enumerate(chosen, 1):
            labour = any(s.work_center_type in (W.WELDING, W.ASSEMBLY, W.CNC_MILLING) for s in part.routing)
            quantity = rng.choice(QUANTITIES[:10] if labour or part.length_mm >= 1500 else QUANTITIES)
            lines.append(OrderLine(line_no=line_no, part=part.number, quantity=quantity,
                                   unit_price=quoted_unit_price(part, materials[part.material], quantity)))
        number = f"ORD-{start.year % 100:02d}{i + 1:04d}"
        order = Order(number=number, customer=customer.code, customer_reference=f"PO {rng.randint(4500000, 4599999)}",
                      order_date=order_date, release_date=release, due_date=due, priority=priority, status=status,
                      lines=tuple(lines))
        orders.append(order)
        if status in (OrderStatus.RELEASED, OrderStatus.IN_PROGRESS):
            for line in order.lines:
                operations = [WorkOrderOperation.from_routing_step(s) for s in part_by_number[line.part].routing]
                if status == OrderStatus.IN_PROGRESS:
                    done = rng.randint(1, max(1, len(operations) - 1))
                    for k in range(done):
                        operations[k] = operations[k].model_copy(update={
                            "status": OperationStatus.DONE, "quantity_done": line.quantity,
                            "assigned_machine": operations[k].eligible_machines[0] if operations[k].eligible_machines else None,
                        })
                    if done < len(operations) and not operations[done].is_subcontracted and rng.random() < 0.5:
                        quantity_done = rng.randint(0, line.quantity - 1)
                        machine = operations[done].eligible_machines[0]
                        # a machine runs one operation at a time: the others waiting there are not started
                        # (a larger book has more orders in progress, not more work on each machine at once)
                        if machine not in running:
                            running.add(machine)
                            operations[done] = operations[done].model_copy(update={
                                "status": OperationStatus.STARTED, "quantity_done": quantity_done,
                                "assigned_machine": machine,
                            })
                work_orders.append(WorkOrder(
                    number=f"WO-{start.year % 100:02d}{i + 1:04d}-{line.line_no}", order=number,
                    line_no=line.line_no, part=line.part, quantity=line.quantity, release_date=release,
                    due_date=due, status=status, operations=tuple(
                        WorkOrderOperation.model_validate(op.model_dump()) for op in operations),
                ))

    orders += _delivered_history(random.Random(seed * 7919 + 17), start, customers, parts_by_customer, materials,
                                 holidays)
    stock = _demo_stock(rng, parts, materials)
    quotes = []
    for i in range(6):
        customer = rng.choice(customers)
        quote_date = _working_day(start - dt.timedelta(days=rng.randint(0, 10)), holidays, -1)
        quote_lines = []
        for line_no, part in enumerate(rng.sample(parts_by_customer[customer.code], 1 + (i % 2)), 1):
            breaks = tuple(
                QuantityBreak(quantity=q, unit_price=quoted_unit_price(part, materials[part.material], q),
                              lead_time_days=10 + len(part.routing))
                for q in rng.choice([(1, 10, 50), (5, 25, 100), (10, 50, 250)])
            )
            quote_lines.append(QuoteLine(line_no=line_no, part=part.number, breaks=breaks))
        quotes.append(Quote(number=f"OFF-{start.year % 100:02d}{i + 1:04d}", customer=customer.code,
                            quote_date=quote_date, valid_until=quote_date + dt.timedelta(days=30),
                            status=rng.choice([QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.SENT]),
                            lines=tuple(quote_lines)))

    return Shop(
        name="Demo Metaal BV", materials=tuple(materials.values()), calendars=tuple(calendars),
        work_centers=tuple(work_centers), machines=tuple(machines), operators=tuple(operators),
        customers=tuple(customers), stock=tuple(stock), parts=tuple(parts), orders=tuple(orders),
        work_orders=tuple(work_orders), quotes=tuple(quotes),
    )


def _demo_stock(rng: random.Random, parts: list[Part], materials: dict[str, Material]) -> list[StockItem]:
    used = sorted({(p.material, p.thickness_mm) for p in parts})
    stock: list[StockItem] = []
    racks = [f"Rek {r}{n}" for r in "ABCD" for n in range(1, 7)]
    for k, (grade, thickness) in enumerate(used, 1):
        sizes = [(3000.0, 1500.0)] + ([(2500.0, 1250.0)] if thickness <= 3 else [])
        for length, width in sizes:
            kg = length * width * thickness * 1e-9 * materials[grade].density_kg_m3
            stock.append(StockItem(
                code=f"PL{k:03d}-{int(length)}", material=grade, thickness_mm=thickness, kind=StockKind.SHEET,
                length_mm=length, width_mm=width, quantity=rng.randint(0, 18),
                heat_number=f"H{rng.randint(100000, 999999)}", certificate_ref=f"EN10204-3.1/{rng.randint(20000, 29999)}",
                location=racks[k % len(racks)], price_per_sheet=round(kg * materials[grade].price_per_kg, 2),
            ))
    for r in range(rng.randint(6, 10)):
        grade, thickness = rng.choice(used)
        length = float(rng.randrange(400, 1600, 50))
        width = float(rng.randrange(300, int(min(length, 1200)) + 1, 50))
        outline = None
        if r == 0:  # an L-shaped remnant left after a nest
            outline = ((0.0, 0.0), (length, 0.0), (length, width / 2), (length / 2, width / 2), (length / 2, width),
                       (0.0, width))
        stock.append(StockItem(
            code=f"REST-{r + 1:03d}", material=grade, thickness_mm=thickness, kind=StockKind.REMNANT,
            length_mm=length, width_mm=width, outline=outline, quantity=1,
            heat_number=f"H{rng.randint(100000, 999999)}", location="Restplaatrek",
        ))
    return stock
