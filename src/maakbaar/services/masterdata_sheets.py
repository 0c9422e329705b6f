"""The master-data sheets of an import workbook: customers, calendars, holidays, machines, operators (with their
skills matrix) and materials, read as a shop types them and stored first, in the order they depend on each
other, so the parts, routings, stock and orders of the same workbook can name them.

Columns (the header row; ``cells`` reads the values):

- ``customers``: code, name, address, postcode, city, country, email, phone, language
- ``calendars`` (one row per shift, or per run of days: ``ma-vr``): calendar, name, weekday, start, end, breaks
  (``10:00-10:15, 12:30-13:00``), shift (its name), public_holidays (ja: the Dutch public holidays of this year
  and next)
- ``holidays``: calendar, date, name
- ``machines``: code, name, template (a machine template's code: its rate, power, limits and changeovers),
  work_center_type, work_center (empty: the shop's work center of that kind, made when there is none), calendar,
  hourly_rate, power_kw, max_sheet_length_mm, max_sheet_width_mm, max_thickness_mm (``steel:25 stainless:20``),
  bend_length_mm, tonnage_t, active
- ``operators``: code, name, calendar, active, and one column per kind of work (laser, press_brake, welding, ...)
  holding the level 1 to 3 (empty or 0: not skilled)
- ``materials``: grade, family, name, density_kg_m3, price_per_kg, price_date, price_source, co2_per_kg,
  co2_source (a grade in the shipped reference table takes its family, density, name and CO2 from there)

A record whose code exists is updated with the row (a machine keeps its changeovers and downtimes, unless the row
names a template); a new one is added. Every problem names its sheet, row and column; the caller refuses the whole
workbook when there is any.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Any, Callable

from pydantic import ValidationError

from ..domain import (Calendar, Customer, Holiday, Machine, MachineCapabilities, Material, MaterialFamily, Operator,
                      Shift, Skill, WorkCenter, WorkCenterType, validation_reasons)
from ..domain.shop import unknown
from ..reasons import Reason
from ..store.repositories import Repositories
from . import cells, masterdata_service
from .cells import CellError, at_rows, field_problem
from .errors import NotFoundError

SKILL_COLUMNS = tuple(t.value for t in WorkCenterType if t is not WorkCenterType.SUBCONTRACT)

COLUMNS: dict[str, list[str]] = {
    "customers": ["code", "name", "address", "postcode", "city", "country", "email", "phone", "language"],
    "calendars": ["calendar", "name", "weekday", "start", "end", "breaks", "shift", "public_holidays"],
    "holidays": ["calendar", "date", "name"],
    "machines": ["code", "name", "template", "work_center_type", "work_center", "calendar", "hourly_rate", "power_kw",
                 "max_sheet_length_mm", "max_sheet_width_mm", "max_thickness_mm", "bend_length_mm", "tonnage_t",
                 "active"],
    "operators": ["code", "name", "calendar", "active", *SKILL_COLUMNS],
    "materials": ["grade", "family", "name", "density_kg_m3", "price_per_kg", "price_date", "price_source",
                  "co2_per_kg", "co2_source"],
}
REQUIRED: dict[str, list[str]] = {
    "customers": ["code", "name"],
    "calendars": ["calendar", "weekday", "start", "end"],
    "holidays": ["calendar", "date"],
    "machines": ["code", "calendar"],
    "operators": ["code", "name", "calendar"],
    "materials": ["grade", "price_per_kg"],
}
ORDER = ("customers", "calendars", "holidays", "materials", "machines", "operators")  # each names only earlier ones

DENSITY = {"steel": 7850, "galvanised": 7850, "stainless": 7900, "aluminium": 2700, "copper": 8900, "brass": 8500}
WEEKDAY_NAMES = {
    0: ("ma", "maa", "maandag", "mo", "mon", "monday", "mo", "montag"),
    1: ("di", "din", "dinsdag", "tu", "tue", "tuesday", "dienstag"),
    2: ("wo", "woe", "woensdag", "we", "wed", "wednesday", "mi", "mittwoch"),
    3: ("do", "don", "donderdag", "th", "thu", "thursday", "donnerstag"),
    4: ("vr", "vri", "vrijdag", "fr", "fri", "friday", "freitag"),
    5: ("za", "zat", "zaterdag", "sa", "sat", "saturday", "samstag"),
    6: ("zo", "zon", "zondag", "su", "sun", "sunday", "so", "sonntag"),
}
_DAY_OF = {name: day for day, names in WEEKDAY_NAMES.items() for name in names}


class Cells:
    """One row's cells; a cell that cannot be read is a problem of the row, and reading goes on so one row
    reports all its bad cells."""

    def __init__(self, values: dict[str, Any], problems: list[Reason]):
        self.values, self.problems = values, problems

    def _read(self, reader: Callable, column: str):
        try:
            return reader(self.values.get(column), column)
        except CellError as error:
            self.problems.append(error.reason)
            return None

    def text(self, column: str) -> str:
        return cells.text(self.values.get(column))

    def number(self, column: str) -> float | None:
        return self._read(cells.number, column)

    def integer(self, column: str) -> int | None:
        return self._read(cells.integer, column)

    def date(self, column: str) -> dt.date | None:
        return self._read(cells.date, column)

    def yes(self, column: str) -> bool | None:
        return self._read(cells.yes_no, column)

    def time(self, column: str) -> dt.time | None:
        return self._read(cells.clock_time, column)


def read_weekdays(text: str) -> list[int]:
    """'ma-vr', 'ma t/m vr', 'ma, wo, vr', 'maandag', 'mon-fri', '1-5' (1 = Monday) as weekday numbers (0 = Monday);
    ValueError for anything else."""
    def day(token: str) -> int:
        token = token.strip().lower().rstrip(".")
        if token.isdigit() and 1 <= int(token) <= 7:
            return int(token) - 1
        if token in _DAY_OF:
            return _DAY_OF[token]
        raise ValueError(token)

    days: list[int] = []
    for piece in re.split(r"[,;/]\s*(?!m\b)|(?<!tot)\s+(?:en|and|und)\s+", text.strip()):
        piece = piece.strip()
        if not piece:
            continue
        span = re.split(r"\s*(?:-|–|t/m|tot en met|to|bis)\s*", piece)
        if len(span) == 1:
            days.append(day(span[0]))
        elif len(span) == 2:
            a, b = day(span[0]), day(span[1])
            days += [d % 7 for d in range(a, b + 1 if b >= a else b + 8)]
        else:
            raise ValueError(piece)
    if not days:
        raise ValueError(text)
    return sorted(set(days))


@cache
def reference_materials() -> dict[str, dict]:
    data = json.loads(resources.files("maakbaar.data").joinpath("materials.json").read_text("utf-8"))
    return {m["grade"].upper(): m for m in data["materials"]}


def _thicknesses(text: str) -> dict[str, float]:
    """'steel:25 stainless:20' (or 'staal 25; rvs 20') as a thickness per material family; ValueError else."""
    aliases = {"staal": "steel", "rvs": "stainless", "verzinkt": "galvanised", "aluminium": "aluminium",
               "alu": "aluminium", "koper": "copper", "messing": "brass"}
    out = {}
    for family, value in re.findall(r"([A-Za-z]+)\s*[:= ]\s*([\d.,]+)", text):
        family = aliases.get(family.lower(), family.lower())
        MaterialFamily(family)
        out[family] = float(cells.decimal_point(value))
    if text.strip() and not out:
        raise ValueError(text)
    return out


# ------------------------------------------------------------------ one reader per sheet

def _customer(cells: Cells, stored: Customer | None, context: dict) -> Customer:
    values = {c: cells.text(c) for c in COLUMNS["customers"] if cells.text(c)}
    if "country" in values:
        values["country"] = values["country"].upper()
    if "language" in values:
        values["language"] = values["language"].lower()
    base = stored.model_dump() if stored else {}
    return Customer.model_validate(base | values)


def _machine(cells: Cells, stored: Machine | None, context: dict) -> Machine | None:
    repos: Repositories = context["repos"]
    template = None
    if cells.text("template"):
        try:
            template = masterdata_service.machine_template(cells.text("template"))
        except NotFoundError:
            cells.problems.append(field_problem("template", "import.unknown_template", template=cells.text("template"),
                                           known=", ".join(t.code for t in masterdata_service.machine_templates())))
    kind_text = cells.text("work_center_type").lower()
    kind = None
    if kind_text:
        try:
            kind = WorkCenterType(kind_text)
        except ValueError:
            cells.problems.append(field_problem("work_center_type", "import.unknown_work_type", value=kind_text,
                                           known=", ".join(t.value for t in WorkCenterType)))
    kind = kind or (template.work_center_type if template else None)
    centers = {c.code: c for c in repos.work_centers.list()}
    center = cells.text("work_center")
    if not center and stored and (kind is None or centers[stored.work_center].type == kind):
        center = stored.work_center  # an update that names no other kind of work stays where it is
    if center and center in centers:
        if kind and centers[center].type != kind:
            cells.problems.append(field_problem("work_center", "import.work_center_kind", work_center=center,
                                                type=Reason.of(f"wct.{centers[center].type}"),
                                                wanted=Reason.of(f"wct.{kind}")))
    elif kind is None:
        if not cells.text("template"):  # an unknown template is said already
            cells.problems.append(field_problem("work_center_type", "import.machine_kind"))
    elif center:
        name = masterdata_service.usual_work_center(kind)[1]
        repos.work_centers.add(WorkCenter(code=center, name=name, type=kind))
    else:
        center = masterdata_service.work_center_for(context["db"], kind)
    calendar = cells.text("calendar")
    if _refused_calendar(calendar, context):
        return None
    if calendar and calendar not in context["calendars"]:
        cells.problems.append(unknown("calendar", "calendar", calendar))
    base = stored.model_dump() if stored else {"power_kw": 0.0, "active": True}
    if template:
        base |= {"name": template.name, "hourly_rate": template.hourly_rate, "power_kw": template.power_kw,
                 "capabilities": template.capabilities.model_dump(), "setup_times": [
                     s.model_dump() for s in template.setup_times]}
    capabilities = dict(base.get("capabilities") or {})
    for column in ("max_sheet_length_mm", "max_sheet_width_mm", "bend_length_mm", "tonnage_t"):
        value = cells.number(column)
        if value is not None:
            capabilities[column] = value
    if cells.text("max_thickness_mm"):
        try:
            capabilities["max_thickness_mm"] = _thicknesses(cells.text("max_thickness_mm"))
        except ValueError:
            cells.problems.append(field_problem("max_thickness_mm", "import.not_thicknesses",
                                           value=cells.text("max_thickness_mm")))
    if cells.problems:  # no machine to make without its template or kind: the model's own checks would only echo it
        return None
    values = {"code": cells.text("code"), "work_center": center, "calendar": calendar,
              "capabilities": MachineCapabilities.model_validate(capabilities)}
    for column in ("hourly_rate", "power_kw"):
        number = cells.number(column)
        if number is not None:
            values[column] = number
    if cells.text("name"):
        values["name"] = cells.text("name")
    active = cells.yes("active")
    if active is not None:
        values["active"] = active
    return Machine.model_validate(base | values)


def _refused_calendar(code: str, context: dict) -> bool:
    """A calendar whose own rows were refused: a machine or operator on it is left out, not blamed (the import is
    refused for the calendar's rows already)."""
    return code in context["refused"].get("calendars", ()) and code not in context["calendars"]


def _operator(cells: Cells, stored: Operator | None, context: dict) -> Operator | None:
    skills = []
    for column in SKILL_COLUMNS:
        level = cells.integer(column)
        if level is None or level == 0:
            continue
        if not 1 <= level <= 3:
            cells.problems.append(field_problem(column, "import.skill_level", value=level))
            continue
        skills.append(Skill(work_center_type=WorkCenterType(column), level=level))
    calendar = cells.text("calendar")
    if _refused_calendar(calendar, context):
        return None
    if calendar not in context["calendars"]:
        cells.problems.append(unknown("calendar", "calendar", calendar))
    active = cells.yes("active")
    return Operator(code=cells.text("code"), name=cells.text("name"), calendar=calendar, skills=tuple(skills),
                    active=True if active is None else active)


def _material(cells: Cells, stored: Material | None, context: dict) -> Material:
    grade = cells.text("grade")
    reference = reference_materials().get(grade.upper(), {})
    base = stored.model_dump() if stored else {
        k: reference[k] for k in ("family", "name", "density_kg_m3", "co2_per_kg", "co2_source") if k in reference}
    values: dict[str, Any] = {"grade": grade}
    for column in ("family", "name", "price_source", "co2_source"):
        if cells.text(column):
            values[column] = cells.text(column).lower() if column == "family" else cells.text(column)
    for column in ("density_kg_m3", "price_per_kg", "co2_per_kg"):
        number = cells.number(column)
        if number is not None:
            values[column] = number
    values["price_date"] = cells.date("price_date") or context["today"]
    if "co2_per_kg" in values and "co2_source" not in values and not stored:
        base.pop("co2_source", None)  # the reference's source does not belong to the shop's own figure
    merged = base | values
    if "density_kg_m3" not in merged and merged.get("family") in DENSITY:
        merged["density_kg_m3"] = DENSITY[merged["family"]]
    return Material.model_validate(merged)


READERS = {"customers": _customer, "machines": _machine, "operators": _operator, "materials": _material}


# ------------------------------------------------------------------ calendars: rows grouped per calendar

def _calendars(rows, holiday_rows, problems: list[Reason], context: dict) -> list[tuple[list[int], Calendar]]:
    repos: Repositories = context["repos"]
    grouped: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for number, values in rows:
        grouped[Cells(values, []).text("calendar")].append((number, values))
    extra_days: dict[str, list[tuple[int, Holiday]]] = defaultdict(list)
    for number, values in holiday_rows:
        found: list[Reason] = []
        row = Cells(values, found)
        code, day = row.text("calendar"), row.date("date")
        if code not in grouped and code not in context["calendars"]:
            found.append(unknown("calendar", "calendar", code))
        if day is not None and not found:
            extra_days[code].append((number, Holiday(date=day, name=row.text("name"))))
        problems += [at_rows("holidays", number, p) for p in found]
    out = []
    for code, group in grouped.items():
        numbers = [n for n, _v in group]
        shifts, name, public, found_any = [], "", False, False
        for number, values in group:
            found: list[Reason] = []
            row = Cells(values, found)
            name = name or row.text("name")
            public = public or bool(row.yes("public_holidays"))
            start, end = row.time("start"), row.time("end")
            try:
                days = read_weekdays(row.text("weekday"))
            except ValueError:
                found.append(field_problem("weekday", "import.not_weekday", value=row.text("weekday")))
                days = []
            try:
                breaks = cells.read_breaks(row.text("breaks"))
            except ValueError:
                found.append(field_problem("breaks", "form.not_breaks"))
                breaks = ()
            if start is None and not found:
                found.append(field_problem("start", "pydantic.missing"))
            if end is None and not found:
                found.append(field_problem("end", "pydantic.missing"))
            if not found:
                try:
                    shifts += [Shift(weekday=d, start=start, end=end, breaks=breaks, name=row.text("shift"))
                               for d in days]
                except ValidationError as error:
                    found += validation_reasons(error)
            problems += [at_rows("calendars", number, p) for p in found]
            found_any = found_any or bool(found)
        if found_any or not code:
            context["refused"].setdefault("calendars", set()).add(code)  # its machines and operators: not blamed
            continue
        stored = repos.calendars.get(code)
        holidays = {h.date: h for h in (stored.holidays if stored else ())}
        try:
            calendar = Calendar(code=code, name=name or (stored.name if stored else code), shifts=tuple(shifts),
                                holidays=tuple(holidays.values()), closures=stored.closures if stored else ())
        except ValidationError as error:
            problems += [at_rows("calendars", numbers, p) for p in validation_reasons(error)]
            continue
        if public:
            today = context["today"]
            calendar = masterdata_service.add_public_holidays(calendar, [today.year, today.year + 1])
        out.append((numbers, calendar))
    for code, days in extra_days.items():  # holidays of a calendar stored before, or of one in this workbook
        target = next((c for _n, c in out if c.code == code), None)
        if target is None:
            target = repos.calendars.get(code)
            if target is None:
                continue
            out.append(([], target))
        have = {h.date: h for h in target.holidays}
        for _number, holiday in days:
            have[holiday.date] = holiday
        changed = target.model_copy(update={"holidays": tuple(sorted(have.values(), key=lambda h: h.date))})
        out = [(n, changed if c.code == code else c) for n, c in out]
    return out


# ------------------------------------------------------------------ the import of these sheets

def store_sheets(db, tables: dict[str, list], problems: list[Reason], today: dt.date,
                 refused: dict[str, set[str]] | None = None) -> dict[str, int]:
    """Check and store the master-data sheets of ``tables`` in dependency order, adding every bad row to
    ``problems``. Good rows are stored even when others are bad, so the sheets after them are checked against
    them; the caller rolls the whole import back when ``problems`` is not empty. The codes of bad rows go into
    ``refused`` (by kind): a row that names one is not blamed for it, its own row is (one typo, one problem)."""
    repos = Repositories(db)
    refused = {} if refused is None else refused
    context = {"db": db, "repos": repos, "today": today, "calendars": set(repos.calendars.keys()), "refused": refused}
    counts: dict[str, int] = {}
    for kind in ORDER:
        rows = tables.get(kind, [])
        if kind == "holidays" or (kind not in tables and not (kind == "calendars" and "holidays" in tables)):
            continue  # holidays are read with the calendars; a sheet the file lacks is not counted
        repo = getattr(repos, kind)
        if kind == "calendars":
            read = _calendars(rows, tables.get("holidays", []), problems, context)
        else:
            read, seen = [], {}
            for number, values in rows:
                found: list[Reason] = []
                row = Cells(values, found)
                key = row.text("grade" if kind == "materials" else "code")
                if not key:
                    problems.append(at_rows(kind, number, field_problem("grade" if kind == "materials" else "code",
                                                                   "pydantic.missing")))
                    continue
                if key in seen:
                    problems.append(at_rows(kind, number, Reason.of("import.twice", what=Reason.of(
                        f"thing.{repo.what}"), key=key, row=seen[key])))
                    continue
                seen[key] = number
                try:
                    item = READERS[kind](row, repo.get(key), context)
                except ValidationError as error:
                    found += validation_reasons(error)
                    item = None
                problems += [at_rows(kind, number, p) for p in found]
                if item is not None and not found:
                    read.append(([number], item))
                elif found or item is None:
                    refused.setdefault(kind, set()).add(key)
        stored_keys = set(repo.keys())
        added = updated = 0
        for _numbers, item in read:
            if repo.key_of(item) in stored_keys:
                repo.replace(item)
                updated += 1
            else:
                repo.add(item)
                added += 1
        if kind == "calendars":
            context["calendars"] |= {c.code for _n, c in read}
        counts[kind] = added + updated
        counts[f"{kind}_updated"] = updated
    return counts


# ------------------------------------------------------------------ export

def export_rows(db) -> dict[str, list[list[Any]]]:
    """The master-data sheets of the shop as rows (a header row first), in the columns above."""
    repos = Repositories(db)
    sheets: dict[str, list[list[Any]]] = {kind: [list(COLUMNS[kind])] for kind in ORDER}
    for customer in repos.customers.list():
        sheets["customers"].append([getattr(customer, c) for c in COLUMNS["customers"]])
    for calendar in repos.calendars.list():
        for shift in calendar.shifts:
            sheets["calendars"].append([
                calendar.code, calendar.name, WEEKDAY_NAMES[shift.weekday][0], f"{shift.start:%H:%M}",
                f"{shift.end:%H:%M}", ", ".join(f"{b.start:%H:%M}-{b.end:%H:%M}" for b in shift.breaks), shift.name,
                "nee"])
        for holiday in calendar.holidays:
            sheets["holidays"].append([calendar.code, holiday.date, holiday.name])
    types = {c.code: c.type.value for c in repos.work_centers.list()}
    for machine in repos.machines.list():
        caps = machine.capabilities
        sheets["machines"].append([
            machine.code, machine.name, "", types.get(machine.work_center, ""), machine.work_center, machine.calendar,
            machine.hourly_rate, machine.power_kw, caps.max_sheet_length_mm, caps.max_sheet_width_mm,
            " ".join(f"{MaterialFamily(f).value}:{t:g}" for f, t in caps.max_thickness_mm.items()),
            caps.bend_length_mm, caps.tonnage_t, "ja" if machine.active else "nee"])
    for operator in repos.operators.list():
        levels = {s.work_center_type.value: s.level for s in operator.skills}
        sheets["operators"].append([operator.code, operator.name, operator.calendar,
                                    "ja" if operator.active else "nee", *(levels.get(c) for c in SKILL_COLUMNS)])
    for material in repos.materials.list():
        sheets["materials"].append([getattr(material, c) if c != "family" else material.family.value
                                    for c in COLUMNS["materials"]])
    return sheets
