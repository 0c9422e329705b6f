"""The master-data forms: add, change and delete machines (from templates), calendars, operators, materials and
customers in the browser. The page only reads the form into a domain value and back; ``masterdata_service`` adds,
changes (with the version the form was read at) and deletes (refused while the record is in use).

Numbers are typed as people type them: ``115,50`` and ``115.50`` are both 115.5; ``1.250,5`` is 1250.5."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import quote as urlquote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from ..domain import (Break, Calendar, CompanyProfile, Customer, Holiday, Machine, Material, MaterialFamily, Operator,
                      Part, Shift, Skill, StockItem, StockKind, WorkCenter, WorkCenterType)
from .. import clock
from ..services import company_service, cost_service, masterdata_service
from ..services.cells import decimal_point, read_breaks, read_time
from ..services.errors import Conflict, ConflictError, InvalidInput, NotFound, message_in
from ..store.db import Session
from ..store.repositories import Repositories
from .errors import validation_message
from .i18n import language_of
from .pages import _with_form, context, version_of
from .security import Refused, page_permission

# the kinds with a form, in the order of the tabs
FORM_KINDS = ("work-centers", "machines", "calendars", "operators", "materials", "customers", "parts", "stock")
SHOWN_FAMILIES = (MaterialFamily.STEEL, MaterialFamily.STAINLESS, MaterialFamily.ALUMINIUM, MaterialFamily.GALVANISED)
SKILL_TYPES = tuple(t for t in WorkCenterType if t != WorkCenterType.SUBCONTRACT)
EMPTY_ROWS = 3  # blank rows under the filled ones, for changeovers, shifts, holidays, closures


class FormProblem(Exception):
    """Fields of a form that could not be read (a word where a number belongs): ``problems`` as (field, text)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{f}: {t}" for f, t in problems))
        self.problems = problems


# ------------------------------------------------------------------ reading typed values

def read_number(text: str | None, lang: str = "nl") -> float | None:
    """A number as a person types it; None for an empty field; ValueError for anything else. In Dutch and
    German a point before groups of three digits marks thousands, as those users write them (3.000 is three
    thousand, 1.250 is one thousand two hundred and fifty; 1.25 and 0.125 keep the point as the decimal mark);
    in English 3.000 is three."""
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if lang in ("nl", "de") and re.fullmatch(r"[+-]?[1-9]\d{0,2}(\.\d{3})+", text):
        text = text.replace(".", "")
    text = decimal_point(text)
    if not text:
        return None
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueError(text)
    return float(text)


def show_number(value: float | None, lang: str) -> str:
    """A number in an input field: no thousands marks, the language's decimal mark, no trailing zeros."""
    if value is None:
        return ""
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang in ("nl", "de") else text


def read_date(text: str) -> dt.date:
    """2026-12-25, or 25-12-2026 as a Dutch user types it; ValueError for anything else."""
    if re.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}", text):
        d, m, y = (int(x) for x in text.split("-"))
        return dt.date(y, m, d)
    return dt.date.fromisoformat(text)


class Reader:
    """Reads fields of one posted form, collecting every problem instead of stopping at the first."""

    def __init__(self, form: dict, lang: str = "nl"):
        self.form, self.problems, self.lang = form, [], lang

    def text(self, name: str) -> str:
        return str(self.form.get(name, "")).strip()

    def number(self, name: str, default: float | None = None) -> float | None:
        try:
            value = read_number(self.form.get(name), self.lang)
        except ValueError:
            self.problems.append((name, "form.not_a_number"))
            return default
        return default if value is None else value

    def checked(self, name: str) -> bool:
        return name in self.form and self.form[name] not in ("", "0", "off")

    def _parsed(self, name: str, parse, problem: str):
        """The field read by ``parse`` (None when empty); a ValueError is the field's ``problem``."""
        text = self.text(name)
        if not text:
            return None
        try:
            return parse(text)
        except ValueError:
            self.problems.append((name, problem))
            return None

    def time(self, name: str) -> dt.time | None:
        return self._parsed(name, read_time, "form.not_a_time")

    def date(self, name: str) -> dt.date | None:
        return self._parsed(name, read_date, "form.not_a_date")

    def moment(self, name: str) -> dt.datetime | None:
        return self._parsed(name, dt.datetime.fromisoformat, "form.not_a_moment")

    def rows(self, prefix: str) -> list[int]:
        """The row numbers the form holds for ``prefix_<i>_...`` fields, in order."""
        found = {int(m.group(1)) for key in self.form if (m := re.fullmatch(rf"{prefix}_(\d+)_\w+", key))}
        return sorted(found)

    def done(self) -> None:
        if self.problems:
            raise FormProblem(self.problems)


# ------------------------------------------------------------------ each kind: form -> domain, domain -> form

def work_center_from(form: dict, lang: str = "nl") -> WorkCenter:
    r = Reader(form, lang)
    return WorkCenter(code=r.text("code"), name=r.text("name"), type=r.text("type") or None)


def work_center_form(item: WorkCenter, lang: str) -> dict:
    return {"code": item.code, "name": item.name, "type": item.type.value}


def machine_from(form: dict, lang: str = "nl") -> Machine:
    r = Reader(form, lang)
    thickness = {}
    for family in SHOWN_FAMILIES:
        value = r.number(f"thick_{family.value}")
        if value is not None:
            thickness[family] = value
    setups = []
    for i in r.rows("setup"):
        a, b = r.text(f"setup_{i}_from"), r.text(f"setup_{i}_to")
        minutes = r.number(f"setup_{i}_minutes")
        if a or b or minutes is not None:
            setups.append(dict(from_family=a or "*", to_family=b or "*", minutes=minutes or 0))
    downtimes = []
    for i in r.rows("down"):
        start, end = r.moment(f"down_{i}_start"), r.moment(f"down_{i}_end")
        if start or end:
            downtimes.append(dict(start=start, end=end, reason=r.text(f"down_{i}_reason")))
    values = dict(code=r.text("code"), name=r.text("name"), work_center=r.text("work_center"),
                  hourly_rate=r.number("hourly_rate"), power_kw=r.number("power_kw", 0), calendar=r.text("calendar"),
                  active=r.checked("active"))
    capabilities = dict(max_sheet_length_mm=r.number("max_sheet_length_mm"),
                        max_sheet_width_mm=r.number("max_sheet_width_mm"), bend_length_mm=r.number("bend_length_mm"),
                        tonnage_t=r.number("tonnage_t"), max_thickness_mm=thickness)
    r.done()
    return Machine.model_validate(values | {"capabilities": capabilities, "setup_times": setups,
                                            "downtimes": downtimes})


def machine_form(item: Machine, lang: str) -> dict:
    caps = item.capabilities
    values = {"code": item.code, "name": item.name, "work_center": item.work_center,
              "hourly_rate": show_number(item.hourly_rate, lang), "power_kw": show_number(item.power_kw, lang),
              "calendar": item.calendar, "active": "on" if item.active else "",
              "max_sheet_length_mm": show_number(caps.max_sheet_length_mm, lang),
              "max_sheet_width_mm": show_number(caps.max_sheet_width_mm, lang),
              "bend_length_mm": show_number(caps.bend_length_mm, lang), "tonnage_t": show_number(caps.tonnage_t, lang)}
    for family, value in caps.max_thickness_mm.items():
        values[f"thick_{MaterialFamily(family).value}"] = show_number(value, lang)
    for i, s in enumerate(item.setup_times):
        values |= {f"setup_{i}_from": s.from_family, f"setup_{i}_to": s.to_family,
                   f"setup_{i}_minutes": show_number(s.minutes, lang)}
    for i, d in enumerate(item.downtimes):
        values |= {f"down_{i}_start": d.start.isoformat(timespec="minutes"),
                   f"down_{i}_end": d.end.isoformat(timespec="minutes"), f"down_{i}_reason": d.reason}
    return values


def calendar_from(form: dict, lang: str = "nl") -> Calendar:
    """Shift rows carry weekday boxes: one row 'ma-vr 07:00-16:00, breaks 10:00-10:15, 12:30-13:00' is five
    shifts."""
    r = Reader(form, lang)
    shifts = []
    for i in r.rows("shift"):
        days = [d for d in range(7) if r.checked(f"shift_{i}_day_{d}")]
        start, end = r.time(f"shift_{i}_start"), r.time(f"shift_{i}_end")
        if not days and start is None and end is None:
            continue
        if not days:
            r.problems.append((f"shift_{i}_start", "form.shift_no_days"))
            continue
        if start is None or end is None:
            r.problems.append((f"shift_{i}_start", "form.shift_no_times"))
            continue
        try:
            breaks = read_breaks(r.text(f"shift_{i}_breaks"))
        except ValueError:
            r.problems.append((f"shift_{i}_breaks", "form.not_breaks"))
            continue
        try:  # each row checked on its own, so a problem names its row (the shifts of all rows are checked after)
            shifts += [Shift(weekday=d, start=start, end=end, name=r.text(f"shift_{i}_name"), breaks=breaks)
                       for d in days]
        except ValidationError as error:
            r.problems += [(f"shift_{i}_start", e) for e in error.errors()]
    holidays = []
    for i in r.rows("holiday"):
        day = r.date(f"holiday_{i}_date")
        if day is not None:
            holidays.append(Holiday(date=day, name=r.text(f"holiday_{i}_name")))
    closures = []
    for i in r.rows("closure"):
        start, end = r.moment(f"closure_{i}_start"), r.moment(f"closure_{i}_end")
        if start or end:
            closures.append(dict(start=start, end=end, reason=r.text(f"closure_{i}_reason")))
    r.done()
    if not shifts:
        raise FormProblem([("shift_0_start", "form.no_shifts")])
    return Calendar.model_validate(dict(code=r.text("code"), name=r.text("name"), shifts=tuple(shifts),
                                        holidays=tuple(sorted(holidays, key=lambda h: h.date)), closures=closures))


def calendar_form(item: Calendar, lang: str) -> dict:
    values = {"code": item.code, "name": item.name}
    groups: dict[tuple, list[int]] = {}
    for s in item.shifts:  # the same times on several days: one row with their boxes ticked
        key = (s.start, s.end, s.name, tuple((b.start, b.end) for b in s.breaks))
        groups.setdefault(key, []).append(s.weekday)
    for i, ((start, end, name, breaks), days) in enumerate(groups.items()):
        values |= {f"shift_{i}_start": start.strftime("%H:%M"), f"shift_{i}_end": end.strftime("%H:%M"),
                   f"shift_{i}_name": name,
                   f"shift_{i}_breaks": ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in breaks)}
        values |= {f"shift_{i}_day_{d}": "on" for d in days}
    for i, h in enumerate(item.holidays):
        values |= {f"holiday_{i}_date": h.date.isoformat(), f"holiday_{i}_name": h.name}
    for i, c in enumerate(item.closures):
        values |= {f"closure_{i}_start": c.start.isoformat(timespec="minutes"),
                   f"closure_{i}_end": c.end.isoformat(timespec="minutes"), f"closure_{i}_reason": c.reason}
    return values


def operator_from(form: dict, lang: str = "nl") -> Operator:
    r = Reader(form, lang)
    skills = []
    for kind in SKILL_TYPES:
        level = r.number(f"skill_{kind.value}", 0)
        if level:
            skills.append(Skill(work_center_type=kind, level=int(level)))
    r.done()
    return Operator(code=r.text("code"), name=r.text("name"), calendar=r.text("calendar"), skills=tuple(skills),
                    active=r.checked("active"))


def operator_form(item: Operator, lang: str) -> dict:
    values = {"code": item.code, "name": item.name, "calendar": item.calendar, "active": "on" if item.active else ""}
    return values | {f"skill_{s.work_center_type.value}": str(s.level) for s in item.skills}


def material_from(form: dict, lang: str = "nl") -> Material:
    r = Reader(form, lang)
    values = dict(grade=r.text("grade"), family=r.text("family"), name=r.text("name") or None,
                  density_kg_m3=r.number("density_kg_m3"), price_per_kg=r.number("price_per_kg"),
                  price_date=r.date("price_date"), price_source=r.text("price_source"),
                  co2_per_kg=r.number("co2_per_kg"), co2_source=r.text("co2_source"))
    r.done()
    return Material(**values)


def material_form(item: Material, lang: str) -> dict:
    return {"grade": item.grade, "family": item.family.value, "name": item.name or "",
            "density_kg_m3": show_number(item.density_kg_m3, lang), "price_per_kg": show_number(item.price_per_kg, lang),
            "price_date": item.price_date.isoformat(), "price_source": item.price_source,
            "co2_per_kg": show_number(item.co2_per_kg, lang), "co2_source": item.co2_source}


def customer_from(form: dict, lang: str = "nl") -> Customer:
    r = Reader(form, lang)
    return Customer(**{f: r.text(f) for f in ("code", "name", "address", "postcode", "city", "email", "phone",
                                               "language")}, country=r.text("country").upper() or "NL")


def customer_form(item: Customer, lang: str) -> dict:
    return item.model_dump(mode="json")


PART_NUMBERS = ("thickness_mm", "length_mm", "width_mm", "net_area_mm2", "cut_length_mm", "bend_length_mm",
                "weld_length_mm", "coated_area_m2")
PART_COUNTS = ("pierces", "bends")


def part_from(form: dict, lang: str = "nl") -> Part:
    """A part and its routing: one row per step, the machines it may run on ticked (``step_<i>_m_<code>``). A
    step's sequence left empty follows the row (10, 20, ...); its kind left empty is the ticked machines' kind
    (filled in by ``fill_step_kinds``)."""
    r = Reader(form, lang)
    values = dict(number=r.text("number"), revision=r.text("revision"), name=r.text("name"),
                  customer=r.text("customer") or None, material=r.text("material"),
                  **{f: r.number(f, 0) for f in PART_NUMBERS}, **{f: int(r.number(f, 0) or 0) for f in PART_COUNTS})
    steps, last = [], 0
    for i in r.rows("step"):
        machines = tuple(key[len(f"step_{i}_m_"):] for key in form if key.startswith(f"step_{i}_m_")
                         and r.checked(key))
        filled = {f: r.text(f"step_{i}_{f}") for f in ("sequence", "type", "description", "setup", "run", "lead_days",
                                                      "supplier", "family", "wait")}
        if not machines and not any(filled.values()):
            continue
        if not filled["type"]:
            r.problems.append((f"step_{i}_type", "form.step_no_kind"))
        sequence = r.number(f"step_{i}_sequence")
        sequence = int(sequence) if sequence is not None else last + 10
        last = sequence
        lead = r.number(f"step_{i}_lead_days")
        steps.append(dict(sequence=sequence, work_center_type=filled["type"] or None, eligible_machines=machines,
                          description=filled["description"], setup_min=r.number(f"step_{i}_setup", 0),
                          run_min_per_piece=r.number(f"step_{i}_run", 0), setup_family=filled["family"],
                          unattended=r.checked(f"step_{i}_unattended"), may_pause=r.checked(f"step_{i}_may_pause"),
                          subcontract_lead_days=None if lead is None else int(lead), supplier=filled["supplier"],
                          min_wait_after_min=r.number(f"step_{i}_wait", 0)))
    r.done()
    return Part.model_validate(values | {"routing": steps})


def fill_step_kinds(form: dict, machine_kinds: dict[str, str]) -> dict:
    """A step without a kind takes the kind of the first machine ticked on it."""
    form = dict(form)
    for key in list(form):
        found = re.fullmatch(r"step_(\d+)_m_(.+)", key)
        if found and not str(form.get(f"step_{found.group(1)}_type", "")).strip():
            kind = machine_kinds.get(found.group(2))
            if kind:
                form[f"step_{found.group(1)}_type"] = kind
    return form


def part_form(item: Part, lang: str) -> dict:
    values = {"number": item.number, "revision": item.revision, "name": item.name, "customer": item.customer or "",
              "material": item.material, **{f: show_number(getattr(item, f), lang) or "" for f in PART_NUMBERS},
              **{f: str(getattr(item, f)) for f in PART_COUNTS}}
    for i, step in enumerate(item.routing):
        values |= {f"step_{i}_sequence": str(step.sequence), f"step_{i}_type": step.work_center_type.value,
                   f"step_{i}_description": step.description, f"step_{i}_setup": show_number(step.setup_min, lang),
                   f"step_{i}_run": show_number(step.run_min_per_piece, lang), f"step_{i}_family": step.setup_family,
                   f"step_{i}_unattended": "on" if step.unattended else "",
                   f"step_{i}_may_pause": "on" if step.may_pause else "",
                   f"step_{i}_lead_days": "" if step.subcontract_lead_days is None else str(step.subcontract_lead_days),
                   f"step_{i}_supplier": step.supplier, f"step_{i}_wait": show_number(step.min_wait_after_min, lang)}
        values |= {f"step_{i}_m_{m}": "on" for m in step.eligible_machines}
    return values


def stock_from(form: dict, lang: str = "nl") -> StockItem:
    r = Reader(form, lang)
    outline = r.text("outline")
    values = dict(code=r.text("code"), material=r.text("material"), thickness_mm=r.number("thickness_mm"),
                  kind=r.text("kind") or "sheet", length_mm=r.number("length_mm"), width_mm=r.number("width_mm"),
                  quantity=int(r.number("quantity", 0) or 0), heat_number=r.text("heat_number"),
                  certificate_ref=r.text("certificate_ref"), location=r.text("location"),
                  price_per_sheet=r.number("price_per_sheet"), outline=json.loads(outline) if outline else None)
    r.done()
    return StockItem.model_validate(values)


def stock_form(item: StockItem, lang: str) -> dict:
    return {"code": item.code, "material": item.material, "thickness_mm": show_number(item.thickness_mm, lang),
            "kind": item.kind.value, "length_mm": show_number(item.length_mm, lang),
            "width_mm": show_number(item.width_mm, lang), "quantity": str(item.quantity),
            "heat_number": item.heat_number, "certificate_ref": item.certificate_ref, "location": item.location,
            "price_per_sheet": show_number(item.price_per_sheet, lang),
            "outline": json.dumps([list(p) for p in item.outline]) if item.outline else ""}


READ = {"work-centers": work_center_from, "machines": machine_from, "calendars": calendar_from, "operators": operator_from,
        "materials": material_from, "customers": customer_from, "parts": part_from, "stock": stock_from}
SHOW = {"work-centers": work_center_form, "machines": machine_form, "calendars": calendar_form, "operators": operator_form,
        "materials": material_form, "customers": customer_form, "parts": part_form, "stock": stock_form}


def new_values(db: Session, kind: str, template: str, lang: str, today: dt.date) -> dict:
    """A new record's form: a machine from its template, a calendar with the usual day shift and this year's and
    next year's public holidays, a material priced today, a customer in the Netherlands."""
    repos = Repositories(db)
    calendars = repos.calendars.keys()
    if kind == "machines":
        if not template:
            return {"active": "on", "calendar": calendars[0] if calendars else ""}
        chosen = masterdata_service.machine_template(template)
        centers = [c.code for c in repos.work_centers.list() if c.type == chosen.work_center_type]
        return machine_form(masterdata_service.machine_from_template(chosen), lang) | {
            "code": "", "template": template, "calendar": calendars[0] if calendars else "",
            "work_center": centers[0] if centers else f"new:{chosen.work_center_type}"}
    if kind == "calendars":
        day = Calendar(code="DAG", name="Dagdienst ma-vr 07:00-16:00", shifts=tuple(
            Shift(weekday=d, start=dt.time(7), end=dt.time(16), name="dagdienst",
                  breaks=(Break(start=dt.time(10), end=dt.time(10, 15)), Break(start=dt.time(12, 30),
                                                                              end=dt.time(13))))
            for d in range(5)))
        day = masterdata_service.add_public_holidays(day, [today.year, today.year + 1])
        return calendar_form(day, lang) | {"code": "", "name": ""}
    if kind == "operators":
        return {"active": "on", "calendar": calendars[0] if calendars else ""}
    if kind == "materials":
        return {"family": "steel", "density_kg_m3": show_number(7850, lang), "price_date": today.isoformat()}
    if kind in ("parts", "stock"):
        materials = repos.materials.keys()
        first = {"material": materials[0] if materials else ""}
        return first | ({"kind": StockKind.SHEET.value, "quantity": "1"} if kind == "stock" else {})
    return {"country": "NL"}


def problem_lines(error: BaseException, lang: str, t) -> list[str]:
    """Each problem as 'field label: what is wrong', in the reader's language."""
    if isinstance(error, FormProblem):  # a code of ours, or one of pydantic's problems with a row
        return [f"{label_of(field, t)}: {t(code) if isinstance(code, str) else validation_message(code, lang)}"
                for field, code in error.problems]
    if isinstance(error, ValidationError):
        return [f"{label_of('.'.join(str(x) for x in e['loc']), t)}: {validation_message(e, lang)}"
                if e["loc"] else validation_message(e, lang) for e in error.errors()]
    text = message_in(error, lang)
    if isinstance(text, str):
        return [text]
    # an import's problems as text; a refusal that names its field as pydantic's list (``InvalidInput.detail``):
    # the field as the form labels it, then the text
    return [f"{label_of(str(x['loc'][-1]), t)}: {x['msg']}" if isinstance(x, dict) else str(x) for x in text]


ROWS = {"setup_times": "setup", "downtimes": "down", "shifts": "shift", "holidays": "holiday", "closures": "closure",
        "routing": "step"}


def label_of(field: str, t) -> str:
    """The label a field has on the form: 'hourly_rate' -> 'Uurtarief', 'shift_2_start' -> 'Dienstregel 3',
    pydantic's 'setup_times.0.minutes' -> 'Omstelregel 1 (Minuten)'."""
    def said(name: str) -> str:
        text = t(f"field.{name}")
        return name if text == f"field.{name}" else text

    row = re.fullmatch(r"(shift|holiday|closure|setup|down|step)_(\d+)_\w+", field)
    if row:
        return f"{t('form.row.' + row.group(1))} {int(row.group(2)) + 1}"
    parts = field.split(".")
    if parts[0] in ROWS and len(parts) > 1 and parts[1].isdigit():
        label = f"{t('form.row.' + ROWS[parts[0]])} {int(parts[1]) + 1}"
        return label + (f" ({said(parts[2])})" if len(parts) > 2 else "")
    if parts[0] == "capabilities" and len(parts) > 1:
        return said(parts[1])
    return said(parts[0])


def build_router(session_dependency, templates) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    templates.env.globals["shown_number"] = show_number
    templates.env.globals["cost_label"] = cost_label
    templates.env.globals["form_kinds"] = FORM_KINDS  # the list page offers a new record where a form exists

    def page(permission: str = "read"):
        return page_permission(permission, session_dependency)

    @router.post("/masterdata/costs")
    async def costs(request: Request, db: Session = Depends(session_dependency), user=Depends(page("masterdata"))):
        return await _with_form(request, _save_costs, request, db, user)

    def _save_costs(form: dict, request: Request, db: Session, user):
        """The typed numbers, each with the value its field was read at, and the ticks back to the reference, to
        ``cost_service.set_values`` (which keeps only what changed)."""
        lang = language_of(request)
        typed, seen, problems = {}, {}, []
        for name, text in form.items():
            if not name.startswith("v:"):
                continue
            path = name[2:]
            try:
                seen[path] = float(form.get(f"seen:{path}", ""))
                number = read_number(text, lang)
            except ValueError:
                problems.append(path)
                continue
            if number is not None:
                typed[path] = number
        reset = {path for path in seen if form.get(f"reset:{path}")}
        t = context(request, user)["t"]
        error = ", ".join(cost_label(p, t) for p in problems) + ": " + t("form.not_a_number") if problems else ""
        status, saved = 422, 0
        if not error:
            try:
                saved = cost_service.set_values(db, typed, reset, seen, user.username)
                db.commit()
            except (InvalidInput, Conflict) as refused:
                db.rollback()
                error, status = message_in(refused, lang), 409 if isinstance(refused, Conflict) else 422
        if error:
            return templates.TemplateResponse(request, "masterdata.html", context(
                request, user, tab="rates", costs=cost_service.values(db), speeds=cost_service.speed_values(db),
                may_edit=True, cost_error=error), status_code=status)
        return RedirectResponse(f"/masterdata?tab=rates&costs_saved={saved}", status_code=303)

    COMPANY_FIELDS = ("name", "address", "postcode", "city", "country", "phone", "email", "website", "kvk", "vat",
                      "iban", "bic", "quote_valid_days", "payment_terms", "delivery_terms", "conditions")

    @router.get("/company")
    def company_page(request: Request, db: Session = Depends(session_dependency), user=Depends(page())):
        profile, version = company_service.profile(db)
        values = profile.model_dump(mode="json") | {"iban": profile.iban_grouped}
        return templates.TemplateResponse(request, "company.html", context(
            request, user, f=values, version=version, errors=[], may_edit=user.may("masterdata"),
            saved=request.query_params.get("saved", "")))

    @router.post("/company")
    async def company_save(request: Request, db: Session = Depends(session_dependency),
                           user=Depends(page("masterdata"))):
        return await _with_form(request, _save_company, request, db, user)

    def _save_company(form: dict, request: Request, db: Session, user):
        lang = language_of(request)
        t = context(request, user)["t"]
        values = {k: str(form.get(k, "")).strip() for k in COMPANY_FIELDS}
        values["country"] = values["country"].upper() or "NL"
        version = version_of(form)
        try:
            company_service.save(db, CompanyProfile.model_validate(values), version)
            db.commit()
        except (ValidationError, Conflict) as error:
            db.rollback()
            return templates.TemplateResponse(request, "company.html", context(
                request, user, f=values, version=version, may_edit=True, saved="",
                errors=problem_lines(error, lang, t) + ([t("form.stale_hint")] if isinstance(error, Conflict) else [])),
                status_code=409 if isinstance(error, Conflict) else 422)
        return RedirectResponse("/company?saved=1", status_code=303)

    def show(request: Request, user, db: Session, kind: str, values: dict, *, key: str | None, version: int | None,
             errors=(), status_code: int = 200, uses: dict | None = None):
        repos = Repositories(db)
        may_edit = user.may(masterdata_service.kind(kind).permission)
        return templates.TemplateResponse(request, "masterdata_form.html", context(
            request, user, kind=kind, key=key, version=version, f=values, errors=list(errors), uses=uses or {},
            rows=lambda prefix: _row_numbers(values, prefix, EMPTY_ROWS if may_edit else 0),
            calendars=repos.calendars.list(), machines=repos.machines.list() if kind == "parts" else [],
            machine_kinds=masterdata_service.machine_kinds(db) if kind == "parts" else {},
            materials=repos.materials.keys() if kind in ("parts", "stock") else [],
            customers=repos.customers.list() if kind == "parts" else [],
            work_center_types=[t.value for t in WorkCenterType],
            work_centers=repos.work_centers.list(), families=[f.value for f in MaterialFamily],
            shown_families=[f.value for f in SHOWN_FAMILIES], skill_types=[t.value for t in SKILL_TYPES],
            templates=masterdata_service.machine_templates(), template_source=masterdata_service.template_source(),
            may_edit=may_edit),
            status_code=status_code)

    def _kind(kind: str) -> str:
        if kind not in FORM_KINDS:
            raise NotFound(f"no form for {kind}", code="error.not_found", what="kind", key=kind)
        return kind

    @router.get("/masterdata/{kind}/new")
    def new_form(kind: str, request: Request, template: str = "", db: Session = Depends(session_dependency),
                 user=Depends(page())):
        kind = _kind(kind)
        values = new_values(db, kind, template, language_of(request), clock.today())
        return show(request, user, db, kind, values, key=None, version=None)

    @router.post("/masterdata/{kind}/new")
    async def create(kind: str, request: Request, db: Session = Depends(session_dependency), user=Depends(page())):
        return await _with_form(request, _save, _kind(kind), None, request, db, user)

    @router.get("/masterdata/{kind}/{key}")
    def edit_form(kind: str, key: str, request: Request, db: Session = Depends(session_dependency),
                  user=Depends(page())):
        kind = _kind(kind)
        item, version = masterdata_service.get(db, kind, key)
        return show(request, user, db, kind, SHOW[kind](item, language_of(request)), key=key, version=version,
                    uses=masterdata_service.usage(db, kind, key))

    @router.post("/masterdata/{kind}/{key}")
    async def change(kind: str, key: str, request: Request, db: Session = Depends(session_dependency),
                     user=Depends(page())):
        return await _with_form(request, _save, _kind(kind), key, request, db, user)

    @router.post("/masterdata/{kind}/{key}/delete")
    async def delete(kind: str, key: str, request: Request, db: Session = Depends(session_dependency),
                     user=Depends(page())):
        return await _with_form(request, _delete, _kind(kind), key, request, db, user)

    def _allowed(user, kind: str) -> None:
        permission = masterdata_service.kind(kind).permission
        if not user.may(permission):
            raise Refused(403, "error.role_may_not_do", role=user.role, permission=permission)

    def _save(form: dict, kind: str, key: str | None, request: Request, db: Session, user):
        _allowed(user, kind)
        lang = language_of(request)
        t = context(request, user)["t"]
        version = version_of(form)
        if key is not None:  # the code is not changed on a form
            form = form | {masterdata_service.key_field(db, kind): key}
        try:
            if kind == "machines" and str(form.get("work_center", "")).startswith("new:"):
                form = form | {"work_center": masterdata_service.work_center_for(
                    db, WorkCenterType(form["work_center"][4:]))}
            if kind == "parts":
                form = fill_step_kinds(form, masterdata_service.machine_kinds(db))
            item = READ[kind](form, lang)
            if kind == "calendars" and form.get("add_holidays"):
                year = int(form["add_holidays"])
                item = masterdata_service.add_public_holidays(item, [year, year + 1])
            if key is None:
                new_key = masterdata_service.add(db, kind, item)
            else:
                masterdata_service.change(db, kind, key, item, version)
                new_key = key
            db.commit()
        except (FormProblem, ValidationError, InvalidInput, NotFound, Conflict, ValueError) as error:
            db.rollback()
            status = 409 if isinstance(error, Conflict) else 422
            stale = [t("form.stale_hint")] if isinstance(error, ConflictError) else []
            return show(request, user, db, kind, dict(form), key=key, version=version, status_code=status,
                        errors=problem_lines(error, lang, t) + stale)
        if kind == "calendars" and form.get("add_holidays"):  # stay on the calendar to see the added days
            return RedirectResponse(f"/masterdata/calendars/{urlquote(new_key)}", status_code=303)
        return RedirectResponse(f"/masterdata?tab={kind}&saved={urlquote(new_key)}", status_code=303)

    def _delete(form: dict, kind: str, key: str, request: Request, db: Session, user):
        _allowed(user, kind)
        lang = language_of(request)
        try:
            masterdata_service.delete(db, kind, key)
            db.commit()
        except masterdata_service.InUseError as error:
            db.rollback()
            item, version = masterdata_service.get(db, kind, key)
            return show(request, user, db, kind, SHOW[kind](item, lang), key=key, version=version, status_code=409,
                        errors=[message_in(error, lang)], uses=error.uses)
        return RedirectResponse(f"/masterdata?tab={kind}&deleted={urlquote(key)}", status_code=303)

    return router


def cost_label(path: str, t) -> str:
    """A number of the cost tables by its name ('Uurtarief lasersnijden', 'Snijsnelheid staal 3 mm')."""
    parts = path.split(".")
    if parts[:2] == ["laser", "speed_m_per_min"] and len(parts) == 4:
        return t("cost.speed", family=t(f"family.{parts[2]}"), thickness=parts[3])
    return t(f"cost.{path}")


def _row_numbers(values: dict, prefix: str, blank: int) -> range:
    """The rows a form shows for ``prefix``: those filled, then ``blank`` empty ones (none for a reader)."""
    used = [int(m.group(1)) for k in values if (m := re.fullmatch(rf"{prefix}_(\d+)_\w+", k))]
    return range((max(used) + 1 if used else 0) + blank)
