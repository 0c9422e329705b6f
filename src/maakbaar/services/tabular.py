"""The shop's data from CSV files and Excel workbooks, and back to Excel: the master-data sheets of
``masterdata_sheets`` (customers, calendars, holidays, materials, machines, operators) and, here, orders, parts,
routings and stock.

One file is one transaction: every row is checked first (values, and references to what is stored or
in the same file) and any bad row refuses the whole file with each row number and reason.

Columns (header row, case-insensitive; ``;`` or ``,`` separated CSV; decimal comma accepted;
dates as YYYY-MM-DD or DD-MM-YYYY; yes/no as ja/nee, yes/no, true/false, 1/0):

- ``orders``: order, customer, customer_reference, order_date, release_date, due_date, priority, status,
  line_no, part, quantity, line_due_date, unit_price  (one row per order line)
- ``parts``: number, revision, name, customer, material, thickness_mm, length_mm, width_mm, net_area_mm2,
  cut_length_mm, pierces, bends, bend_length_mm, weld_length_mm, coated_area_m2, geometry_ref
- ``routings``: part, sequence, work_center_type (empty: the first machine's), eligible_machines, description,
  setup_min, run_min_per_piece, setup_family, unattended, may_pause, subcontract_lead_days, supplier, min_wait_after_min
- ``stock``: code, material, thickness_mm, kind, length_mm, width_mm, quantity, heat_number, certificate_ref,
  location, price_per_sheet, outline (irregular remnant: points "x/y" separated by spaces, in mm)

New orders are added (an order number that exists is an error); master data, parts and stock items are
added or updated by their number/code; the routing rows of a part replace its routing. Orders imported as
released or in progress get their work orders from the parts' routings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from .. import clock
from ..domain import Order, OrderLine, OrderStatus, Part, RoutingStep, StockItem, validation_reasons
from ..domain.shop import ShopReferences
from ..reasons import Reason
from ..store.repositories import Repositories
from . import masterdata_service, masterdata_sheets
from .cells import CellError, at_rows, field_problem, thousands_points
from .cells import date as _date, integer as _integer, number as _number, text as _text, yes_no as _bool
from .errors import ImportProblem, reason_of

COLUMNS: dict[str, list[str]] = {
    "orders": ["order", "customer", "customer_reference", "order_date", "release_date", "due_date", "priority",
               "status", "line_no", "part", "quantity", "line_due_date", "unit_price"],
    "parts": ["number", "revision", "name", "customer", "material", "thickness_mm", "length_mm", "width_mm",
              "net_area_mm2", "cut_length_mm", "pierces", "bends", "bend_length_mm", "weld_length_mm",
              "coated_area_m2", "geometry_ref"],
    "routings": ["part", "sequence", "work_center_type", "eligible_machines", "description", "setup_min",
                 "run_min_per_piece", "setup_family", "unattended", "may_pause", "subcontract_lead_days", "supplier",
                 "min_wait_after_min"],
    "stock": ["code", "material", "thickness_mm", "kind", "length_mm", "width_mm", "quantity", "heat_number",
              "certificate_ref", "location", "price_per_sheet", "outline"],
}
REQUIRED = {
    "orders": ["order", "customer", "due_date", "part", "quantity"],
    "parts": ["number", "name", "material", "thickness_mm"],
    "routings": ["part", "sequence"],
    "stock": ["code", "material", "thickness_mm", "length_mm", "width_mm", "quantity"],
}
COLUMNS = {kind: ({**masterdata_sheets.COLUMNS, **COLUMNS})[kind] for kind in (
    *masterdata_sheets.ORDER, "parts", "routings", "stock", "orders")}  # each sheet names only earlier ones
REQUIRED = {**masterdata_sheets.REQUIRED, **REQUIRED}
KINDS = tuple(COLUMNS)
MAX_ROWS = 200_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # the media type of what export_xlsx writes

Row = tuple[int, dict[str, Any]]  # (row number as the spreadsheet shows it, values by column)


def missing(column: str) -> Reason:
    return field_problem(column, "pydantic.missing")


# ------------------------------------------------------------------ reading files


def guess_kind(name: str) -> str | None:
    lowered = name.lower()
    aliases = {"orders": ("order",), "parts": ("part", "artikel", "onderde"), "routings": ("routing", "bewerking"),
               "stock": ("stock", "voorraad", "plaat"), "customers": ("customer", "klant", "kunde"),
               "calendars": ("calendar", "kalender", "rooster", "dienst"), "holidays": ("holiday", "feestdag", "vrije"),
               "machines": ("machine",), "operators": ("operator", "medewerker", "personeel", "mitarbeiter"),
               "materials": ("material", "materia", "werkstof")}
    for kind in ("routings", "orders", "operators", "customers", "holidays", "calendars", "machines", "materials",
                 "parts", "stock"):
        if any(alias in lowered for alias in aliases[kind]):
            return kind
    return None


def _header(cells: list[Any], source: str, kind: str) -> list[str]:
    header = [str(c or "").strip().lower().replace(" ", "_") for c in cells]
    unknown = [h for h in header if h and h not in COLUMNS[kind]]
    missing = [c for c in REQUIRED[kind] if c not in header]
    problems = []
    if missing:
        problems.append(at_rows(kind, 1, Reason.of("import.missing_columns", columns=tuple(missing),
                                                   n=len(missing))))
    if unknown:
        problems.append(at_rows(kind, 1, Reason.of("import.unknown_columns", columns=tuple(unknown), n=len(unknown),
                                                   known=tuple(COLUMNS[kind]))))
    if problems:
        raise ImportProblem(source, problems)
    return header


def _rows(matrix: list[list[Any]], source: str, kind: str) -> list[Row]:
    if not matrix:
        raise ImportProblem(source, [Reason.of("import.empty")])
    header = _header(matrix[0], source, kind)
    rows = []
    for number, cells in enumerate(matrix[1:], start=2):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        if len(cells) > len(header) and any(str(c).strip() for c in cells[len(header):] if c is not None):
            raise ImportProblem(source, [at_rows(kind, number, Reason.of("import.more_cells"))])
        values = {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h}
        rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise ImportProblem(source, [Reason.of("import.too_many_rows", rows=len(rows), limit=MAX_ROWS)])
    return rows


CSV_ENCODINGS = ("utf-8-sig", "cp1252", "cp1250")


def decode_csv(raw: bytes, source: str) -> str:
    """UTF-8 (with or without a byte order mark), or the Windows code page Excel saves 'CSV' in: cp1252 (West
    European), else cp1250 (Central European); a file in none of them is refused, naming what was tried."""
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportProblem(source, [Reason.of("import.encoding")])


def read_csv(path: Path, kind: str) -> list[Row]:
    return _read_csv(path, kind)[0]


def _read_csv(path: Path, kind: str) -> tuple[list[Row], str]:
    """The rows of a CSV file and the delimiter it uses."""
    raw = path.read_bytes()
    text = decode_csv(raw, str(path))
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if first_line.count("\t") > max(first_line.count(";"), first_line.count(",")):
        delimiter = "\t"
    matrix = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return _rows(matrix, str(path), kind), delimiter


def read_workbook(path: Path) -> dict[str, list[Row]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportProblem(str(path), [Reason.of("import.not_workbook", error=f"{error.__class__.__name__}: "
                                                                              f"{error}"[:300])]) from None
    sheets = {}
    for sheet in workbook.worksheets:
        kind = sheet.title.strip().lower()
        kind = kind if kind in KINDS else guess_kind(kind)
        if kind is None:
            continue
        matrix = [list(r) for r in sheet.iter_rows(values_only=True)]
        sheets[kind] = _rows(matrix, f"{path} sheet '{sheet.title}'", kind)
    workbook.close()
    if not sheets:
        raise ImportProblem(str(path), [Reason.of("import.no_sheet", kinds=tuple(KINDS))])
    return sheets


def _machines(value: Any) -> tuple[str, ...]:
    text = _text(value).replace("|", " ").replace(",", " ").replace(";", " ")
    return tuple(part for part in text.split() if part)


def _outline(value: Any) -> tuple[tuple[float, float], ...] | None:
    text = _text(value)
    if not text:
        return None
    points = []
    for token in text.split():
        try:
            x, y = token.split("/")
            points.append((float(x.replace(",", ".")), float(y.replace(",", "."))))
        except ValueError:
            raise CellError("outline", "import.not_point", f"'{token}' is not a point x/y (e.g. 0/0 1000/0 "
                            "1000/500)", value=token) from None
    return tuple(points)


def format_outline(outline) -> str:
    return "" if outline is None else " ".join(f"{x:g}/{y:g}" for x, y in outline)


def _drop_empty(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != ""}


# ------------------------------------------------------------------ rows to domain values


def _part(values: dict[str, Any]) -> Part:
    numbers = {c: _number(values.get(c), c) for c in
               ("thickness_mm", "length_mm", "width_mm", "net_area_mm2", "cut_length_mm", "bend_length_mm",
                "weld_length_mm", "coated_area_m2")}
    integers = {c: _integer(values.get(c), c) for c in ("pierces", "bends")}
    texts = {c: _text(values.get(c)) for c in ("number", "revision", "name", "material", "geometry_ref")}
    customer = _text(values.get("customer")) or None
    return Part(**_drop_empty({**texts, **numbers, **integers}), customer=customer)


def _step(values: dict[str, Any], machine_kinds: dict[str, str]) -> RoutingStep:
    """A routing row; its kind of work left empty is that of the first machine it names."""
    fields = {
        "sequence": _integer(values.get("sequence"), "sequence"),
        "work_center_type": _text(values.get("work_center_type")).lower() or None,
        "eligible_machines": _machines(values.get("eligible_machines")),
        "description": _text(values.get("description")),
        "setup_min": _number(values.get("setup_min"), "setup_min"),
        "run_min_per_piece": _number(values.get("run_min_per_piece"), "run_min_per_piece"),
        "setup_family": _text(values.get("setup_family")),
        "unattended": _bool(values.get("unattended"), "unattended"),
        "may_pause": _bool(values.get("may_pause"), "may_pause"),
        "subcontract_lead_days": _integer(values.get("subcontract_lead_days"), "subcontract_lead_days"),
        "supplier": _text(values.get("supplier")),
        "min_wait_after_min": _number(values.get("min_wait_after_min"), "min_wait_after_min"),
    }
    if fields["work_center_type"] is None and fields["eligible_machines"]:
        fields["work_center_type"] = machine_kinds.get(fields["eligible_machines"][0])
    if fields["work_center_type"] is None:
        raise CellError("work_center_type", "pydantic.missing", "give the kind of work or a machine")
    fields = {k: v for k, v in fields.items() if v is not None and v != ""}
    return RoutingStep(**fields)


def _stock(values: dict[str, Any]) -> StockItem:
    fields = {
        "code": _text(values.get("code")), "material": _text(values.get("material")),
        "thickness_mm": _number(values.get("thickness_mm"), "thickness_mm"),
        "kind": _text(values.get("kind")).lower() or None,
        "length_mm": _number(values.get("length_mm"), "length_mm"),
        "width_mm": _number(values.get("width_mm"), "width_mm"),
        "quantity": _integer(values.get("quantity"), "quantity"),
        "heat_number": _text(values.get("heat_number")), "certificate_ref": _text(values.get("certificate_ref")),
        "location": _text(values.get("location")),
        "price_per_sheet": _number(values.get("price_per_sheet"), "price_per_sheet"),
        "outline": _outline(values.get("outline")),
    }
    if fields["length_mm"] and fields["width_mm"] and fields["width_mm"] > fields["length_mm"]:
        fields["length_mm"], fields["width_mm"] = fields["width_mm"], fields["length_mm"]
    return StockItem(**_drop_empty(fields))


def _line_and_header(values: dict[str, Any], today: dt.date) -> tuple[dict[str, Any], OrderLine]:
    due = _date(values.get("due_date"), "due_date")
    header = {
        "number": _text(values.get("order")), "customer": _text(values.get("customer")),
        "customer_reference": _text(values.get("customer_reference")),
        "order_date": _date(values.get("order_date"), "order_date") or today,
        "release_date": _date(values.get("release_date"), "release_date"),
        "due_date": due, "priority": _integer(values.get("priority"), "priority"),
        "status": _text(values.get("status")).lower() or None,
    }
    if header["release_date"] is None:
        header["release_date"] = min(header["order_date"], due) if due else header["order_date"]
    line = OrderLine(**_drop_empty({
        "line_no": _integer(values.get("line_no"), "line_no") or 1,
        "part": _text(values.get("part")), "quantity": _integer(values.get("quantity"), "quantity"),
        "due_date": _date(values.get("line_due_date"), "line_due_date"),
        "unit_price": _number(values.get("unit_price"), "unit_price"),
    }))
    return _drop_empty(header), line


def _convert(rows: list[Row], convert, problems: list[Reason], kind: str) -> list[tuple[int, Any]]:
    out = []
    for number, values in rows:
        try:
            out.append((number, convert(values)))
        except CellError as error:
            problems.append(at_rows(kind, number, error.reason))
        except ValidationError as error:
            problems += [at_rows(kind, number, reason) for reason in validation_reasons(error)]
    return out


# ------------------------------------------------------------------ the import


def import_tables(session: Session, tables: dict[str, list[Row]], source: str,
                  today: dt.date | None = None) -> dict[str, int]:
    """Check every row of every table, then store them all, or raise ImportProblem and store nothing (the work
    is done in a savepoint, rolled back on any problem)."""
    today = today or clock.today()
    savepoint = session.begin_nested()
    try:
        counts = _import_tables(session, tables, source, today)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return counts


def _import_tables(session: Session, tables: dict[str, list[Row]], source: str, today: dt.date) -> dict[str, int]:
    from .order_service import create_work_orders

    repos = Repositories(session)
    problems: list[Reason] = []
    # the master data first, in the order its sheets name each other; stored here so the sheets after see it
    refused: dict[str, set[str]] = {}  # codes of bad master-data rows: what names them is not blamed again
    master_counts = masterdata_sheets.store_sheets(session, tables, problems, today, refused)
    bad_machines = refused.get("machines", set())

    machine_kinds = masterdata_service.machine_kinds(session)
    parts = _convert(tables.get("parts", []), _part, problems, "parts")
    routing_rows = [(n, v) for n, v in tables.get("routings", []) if not bad_machines & set(
        _machines(v.get("eligible_machines")))]
    steps = _convert(routing_rows, lambda v: (_text(v.get("part")), _step(v, machine_kinds)), problems, "routings")
    stock = _convert(tables.get("stock", []), _stock, problems, "stock")
    order_rows = _convert(tables.get("orders", []), lambda v: _line_and_header(v, today), problems, "orders")

    # what exists after this import: stored plus new
    machines = {m.code: m.work_center for m in repos.machines.list()}
    refs = ShopReferences(
        materials=[*repos.materials.keys(), *refused.get("materials", ())], calendars=repos.calendars.keys(),
        work_centers={w.code: w.type for w in repos.work_centers.list()}, machines=machines,
        customers=[*repos.customers.keys(), *refused.get("customers", ())],
        parts=[*repos.parts.keys(), *(p.number for _n, p in parts)],
    )

    seen: dict[str, int] = {}
    for number, part in parts:
        if part.number in seen:
            problems.append(at_rows("parts", number, Reason.of("import.twice", what=Reason.of("thing.part"),
                                                                key=part.number, row=seen[part.number])))
        seen[part.number] = number
        problems += [at_rows("parts", number, p) for p in refs.check_material("material", part.material)]
        problems += [at_rows("parts", number, p) for p in refs.check_customer("customer", part.customer)]

    routing_by_part: dict[str, list[tuple[int, RoutingStep]]] = defaultdict(list)
    for number, (part_number, step) in steps:
        if not part_number:
            problems.append(at_rows("routings", number, missing("part")))
            continue
        problems += [at_rows("routings", number, p) for p in refs.check_part("part", part_number)]
        problems += [at_rows("routings", number, p) for p in refs.check_steps("", [step])]
        routing_by_part[part_number].append((number, step))
    routings: dict[str, tuple[RoutingStep, ...]] = {}
    for part_number, numbered in routing_by_part.items():
        numbered.sort(key=lambda item: item[1].sequence)
        sequences = [s.sequence for _n, s in numbered]
        if len(set(sequences)) != len(sequences):
            problems.append(at_rows("routings", [n for n, _s in numbered],
                                    Reason.of("import.sequence_twice", part=part_number)))
        routings[part_number] = tuple(s for _n, s in numbered)

    stock_seen: dict[str, int] = {}
    for number, item in stock:
        if item.code in stock_seen:
            problems.append(at_rows("stock", number, Reason.of("import.twice", what=Reason.of("thing.stock item"),
                                                                key=item.code, row=stock_seen[item.code])))
        stock_seen[item.code] = number
        problems += [at_rows("stock", number, p) for p in refs.check_material("material", item.material)]

    orders: list[tuple[list[int], Order]] = []
    grouped: dict[str, list[tuple[int, dict[str, Any], OrderLine]]] = defaultdict(list)
    for number, (header, line) in order_rows:
        if not header.get("number"):
            problems.append(at_rows("orders", number, missing("order")))
            continue
        grouped[header["number"]].append((number, header, line))
    existing_orders = set(repos.orders.keys())
    for order_number, group in grouped.items():
        row_numbers = [n for n, _h, _l in group]
        if order_number in existing_orders:
            problems.append(at_rows("orders", row_numbers, Reason.of("error.duplicate", what=Reason.of("thing.order"),
                                                                     key=order_number)))
            continue
        header = group[0][1]
        for n, other, _line in group[1:]:
            for key in ("customer", "due_date", "priority", "status", "release_date"):
                if other.get(key) != header.get(key):
                    problems.append(at_rows("orders", n, Reason.of("import.differs", column=key, row=group[0][0])))
        try:
            order = Order(**header, lines=tuple(line for _n, _h, line in group))
        except ValidationError as error:
            problems += [at_rows("orders", row_numbers, p) for p in validation_reasons(error)]
            continue
        problems += [at_rows("orders", row_numbers, p) for p in refs.check_customer("customer", order.customer)]
        for n, _h, line in group:
            problems += [at_rows("orders", n, p) for p in refs.check_part("part", line.part)]
        orders.append((row_numbers, order))

    if problems:  # in the order of the sheets and their rows, as the person who typed them reads them
        sheets = {f"import.sheet.{kind}": i for i, kind in enumerate(KINDS)}
        problems.sort(key=lambda r: (sheets[r.get("sheet").code], r.get("rows")[0]) if r.code == "import.at"
                      else (-1, 0))
        raise ImportProblem(source, problems)

    # everything checked: store (still one transaction; the caller commits)
    counts = {**master_counts, "parts": 0, "routings": 0, "stock": 0, "orders": 0, "work_orders": 0,
              "parts_updated": 0, "stock_updated": 0}
    for _row, part in parts:
        if part.number in routings:
            part = part.model_copy(update={"routing": routings.pop(part.number)})
            counts["routings"] += 1
        stored = repos.parts.get(part.number)
        if stored is None:
            repos.parts.add(part)
        else:
            if not part.routing:
                part = part.model_copy(update={"routing": stored.routing})
            repos.parts.replace(part)
            counts["parts_updated"] += 1
        counts["parts"] += 1
    for part_number, routing in routings.items():
        stored = repos.parts.get(part_number)
        repos.parts.replace(Part.model_validate({**stored.model_dump(), "routing": routing}))
        counts["routings"] += 1
    for _row, item in stock:
        if repos.stock.get(item.code) is None:
            repos.stock.add(item)
        else:
            repos.stock.replace(item)
            counts["stock_updated"] += 1
        counts["stock"] += 1
    for row_numbers, order in orders:
        repos.orders.add(order)
        counts["orders"] += 1
        if order.status in (OrderStatus.RELEASED, OrderStatus.IN_PROGRESS):
            try:
                counts["work_orders"] += len(create_work_orders(session, order))
            except ValueError as error:
                raise ImportProblem(source, [at_rows("orders", row_numbers[0], reason_of(error))]) from None
    return counts


def preview_file(session: Session, path: Path, kind: str | None = None, today: dt.date | None = None) -> dict[str, int]:
    """What importing the file would do (the counts of ``import_file``: rows added and updated per table), or
    ImportProblem with every bad row; nothing is stored (the import runs in a savepoint rolled back after)."""
    savepoint = session.begin_nested()
    try:
        return import_file(session, path, kind, today)
    finally:
        savepoint.rollback()


def import_file(session: Session, path: Path, kind: str | None = None, today: dt.date | None = None) -> dict[str, int]:
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return import_tables(session, read_workbook(path), str(path), today)
    kind = kind or guess_kind(path.stem)
    if kind not in KINDS:
        raise ImportProblem(str(path), [Reason.of("import.unknown_kind", kinds=tuple(KINDS))])
    rows, delimiter = _read_csv(path, kind)
    with thousands_points(delimiter == ";"):  # a European Excel's CSV: 3.000 is three thousand
        return import_tables(session, {kind: rows}, str(path), today)


# ------------------------------------------------------------------ export to Excel


def export_rows(session: Session) -> dict[str, list[list[Any]]]:
    repos = Repositories(session)
    sheets: dict[str, list[list[Any]]] = {kind: [list(columns)] for kind, columns in COLUMNS.items()}
    sheets |= masterdata_sheets.export_rows(session)
    for order in repos.orders.list():
        for line in order.lines:
            sheets["orders"].append([
                order.number, order.customer, order.customer_reference, order.order_date, order.release_date,
                order.due_date, order.priority, order.status.value, line.line_no, line.part, line.quantity,
                line.due_date, line.unit_price,
            ])
    for part in repos.parts.list():
        sheets["parts"].append([getattr(part, c) for c in COLUMNS["parts"]])
        for step in part.routing:
            sheets["routings"].append([
                part.number, step.sequence, step.work_center_type.value, " ".join(step.eligible_machines),
                step.description, step.setup_min, step.run_min_per_piece, step.setup_family,
                "ja" if step.unattended else "nee", "ja" if step.may_pause else "nee", step.subcontract_lead_days,
                step.supplier, step.min_wait_after_min,
            ])
    for item in repos.stock.list():
        values = {**item.model_dump(), "kind": item.kind.value, "outline": format_outline(item.outline)}
        sheets["stock"].append([values[c] for c in COLUMNS["stock"]])
    return sheets


def export_xlsx(session: Session, path: Path) -> dict[str, int]:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    counts = {}
    for kind, rows in export_rows(session).items():
        sheet = workbook.create_sheet(kind)
        for row in rows:
            sheet.append(row)
        counts[kind] = len(rows) - 1
    workbook.save(path)
    return counts


def preview_upload(session, given_name: str, stream) -> tuple[str, str, dict]:
    """Step 1 of an import from the web: keep the file under a name the server chooses and check it in full.
    Returns (token to confirm with, the name the user knows, what would be added and updated). Nothing is
    stored in the database (the caller rolls back); a refused file is not kept."""
    from . import uploads

    token, path, shown = uploads.keep_import(given_name, stream)
    try:
        counts = preview_file(session, path, guess_kind(Path(shown).stem))
    except ImportProblem:
        uploads.forget_import(path)
        raise
    return token, shown, counts


def confirm_upload(session, path: Path, shown: str) -> dict:
    """Step 2: import the previewed file (``uploads.kept_import`` finds it by its token) in the caller's
    transaction, checked again: the shop may have changed since the preview. Returns what was added and
    updated; the caller commits and then calls ``uploads.forget_import``."""
    return import_file(session, path, guess_kind(Path(shown).stem))
