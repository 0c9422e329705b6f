"""Master data kept in the app: add, change (with the version that was read) and delete (refused while anything
still refers to it, naming what), for every kind, the same through the pages, the API and the CLI.

Services never commit: the caller (a page, an API route, a CLI command) does, once, when the use case has run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..domain import (
    Calendar,
    Customer,
    Machine,
    MachineCapabilities,
    Material,
    Operator,
    Order,
    Part,
    Quote,
    SetupTime,
    Skill,
    StockItem,
    WorkCenter,
    WorkCenterType,
    WorkOrder,
)
from ..store.db import Session
from ..store.repositories import Repositories
from .errors import Conflict, InvalidInput, NotFoundError


@dataclass(frozen=True)
class Kind:
    """One kind of record: its name in URLs, its repository, its domain model and the permission to change it."""

    name: str
    attribute: str
    model: type
    permission: str


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("materials", "materials", Material, "masterdata"),
    Kind("calendars", "calendars", Calendar, "masterdata"),
    Kind("work-centers", "work_centers", WorkCenter, "masterdata"),
    Kind("machines", "machines", Machine, "masterdata"),
    Kind("operators", "operators", Operator, "masterdata"),
    Kind("customers", "customers", Customer, "orders"),
    Kind("stock", "stock", StockItem, "stock"),
    Kind("parts", "parts", Part, "quotes"),
    Kind("orders", "orders", Order, "orders"),
    Kind("work-orders", "work_orders", WorkOrder, "planning"),
    Kind("quotes", "quotes", Quote, "quotes"),
)}


class InUseError(Conflict):
    """A record that other records still refer to is not deleted; ``uses`` names them, by kind."""

    def __init__(self, what: str, key: str, uses: dict[str, list[str]]):
        from ..reasons import Reason

        self.what, self.key, self.uses = what, key, uses
        listed = tuple(Reason.of(f"in_use.{kind.replace(' ', '_')}", n=len(keys),
                                 keys=", ".join(keys[:8]) + (" …" if len(keys) > 8 else ""))
                       for kind, keys in uses.items())
        english = "; ".join(f"{len(keys)} {kind}(s): {', '.join(keys[:8])}" for kind, keys in uses.items())
        super().__init__(f"{what} '{key}' is still used by {english}", code="error.in_use", what=what, key=key,
                         uses=Reason.of("list", items=listed))


def kind(name: str) -> Kind:
    found = KINDS.get(name)
    if found is None:
        raise NotFoundError("kind", name)
    return found


def _repository(db: Session, kind_name: str):
    return getattr(Repositories(db), kind(kind_name).attribute)


def get(db: Session, kind_name: str, key: str):
    """One record and its version (to send back with a change)."""
    repo = _repository(db, kind_name)
    item = repo.get(key)
    if item is None:
        raise NotFoundError(repo.what, key)
    return item, repo.version(key)


def key_field(db: Session, kind_name: str) -> str:
    """The field that holds a record's own code ("grade" for a material, else "code")."""
    return _repository(db, kind_name).key_attr


def add(db: Session, kind_name: str, item) -> str:
    """Store a new record (refused when its code exists; its version is 1); returns its code."""
    repo = _repository(db, kind_name)
    repo.add(item)
    return repo.key_of(item)


def change(db: Session, kind_name: str, key: str, item, version: int | None) -> int:
    """Replace the record ``key`` with ``item``, refused when someone changed it since ``version`` was read.
    The code itself is not changed here (records refer to it)."""
    repo = _repository(db, kind_name)
    if repo.key_of(item) != key:
        raise InvalidInput(f"the key in the body ({repo.key_of(item)}) differs from the URL ({key})",
                           field=repo.key_attr, code="error.key_differs", body=repo.key_of(item), url=key)
    before = repo.get(key) if kind_name == "work-centers" else None
    if before is not None and before.type != item.type:
        machines = usage(db, kind_name, key).get("machine", [])
        if machines:  # the routings that name its machines ask for work of the old type
            raise InvalidInput(f"work center {key} has machines ({', '.join(machines)}): its type cannot change",
                               field="type", code="work_center.type_in_use", key=key, machines=", ".join(machines))
    return repo.replace(item, version)


def usage(db: Session, kind_name: str, key: str) -> dict[str, list[str]]:
    """What still refers to ``key``, by the kind of the referrer; empty lists left out."""
    return {k: v for k, v in _repository(db, kind_name).usage(key).items() if v}


def delete(db: Session, kind_name: str, key: str) -> None:
    """Delete a record nothing refers to; else refuse, naming what still uses it (a machine in a routing, a
    calendar of an operator). An operator or machine still wanted in lists is set inactive instead."""
    repo = _repository(db, kind_name)
    uses = usage(db, kind_name, key)
    if uses:
        raise InUseError(repo.what, key, uses)
    repo.delete(key)


# ------------------------------------------------------------------ operators' skills

def set_skill(db: Session, operator_code: str, work_center_type: WorkCenterType, level: int) -> int:
    """One cell of the skills matrix: ``level`` 0 removes the skill."""
    if not 0 <= level <= 3:
        raise InvalidInput(f"a skill level is 0 to 3, not {level}", field="level", code="skill.level", level=level)
    repos = Repositories(db)
    operator = repos.operators.get(operator_code)
    if operator is None:
        raise NotFoundError("operator", operator_code)
    skills = tuple(s for s in operator.skills if s.work_center_type != work_center_type)
    if level > 0:
        skills += (Skill(work_center_type=work_center_type, level=level),)
    return repos.operators.replace(operator.model_copy(update={"skills": skills}))


def machine_kinds(db: Session) -> dict[str, str]:
    """Each machine's kind of work (its work center's type), by machine code."""
    repos = Repositories(db)
    types = {c.code: c.type.value for c in repos.work_centers.list()}
    return {m.code: types[m.work_center] for m in repos.machines.list() if m.work_center in types}


# ------------------------------------------------------------------ machine templates

@dataclass(frozen=True)
class MachineTemplate:
    code: str
    name: str
    work_center_type: WorkCenterType
    hourly_rate: float
    power_kw: float
    capabilities: MachineCapabilities
    setup_times: tuple[SetupTime, ...]


@cache
def _template_data() -> dict:
    return json.loads(resources.files("maakbaar.data").joinpath("machine_templates.json").read_text("utf-8"))


@cache
def machine_templates() -> tuple[MachineTemplate, ...]:
    """The shipped machine templates (``data/machine_templates.json``, with their source and year)."""
    return tuple(MachineTemplate(code=t["code"], name=t["name"], work_center_type=WorkCenterType(t["work_center_type"]),
                                 hourly_rate=t["hourly_rate"], power_kw=t["power_kw"],
                                 capabilities=MachineCapabilities(**t.get("capabilities", {})),
                                 setup_times=tuple(SetupTime(**s) for s in t.get("setup_times", ())))
                 for t in _template_data()["templates"])


def machine_template(code: str) -> MachineTemplate:
    for template in machine_templates():
        if template.code == code:
            return template
    raise NotFoundError("machine template", code)


def template_source() -> str:
    data = _template_data()
    return f"{data['source']}, {data['year']}"


def usual_work_center(work_center_type: WorkCenterType) -> tuple[str, str]:
    """The usual code and Dutch name of a work center of this type ("LASER", "Lasersnijden")."""
    code, name = _template_data()["work_centers"].get(work_center_type.value,
                                                      [work_center_type.value.upper(), work_center_type.value])
    return code, name


def work_center_for(db: Session, work_center_type: WorkCenterType) -> str:
    """The code of a work center of this type: the shop's first, else one made now with the usual Dutch name
    (a first laser brings "Lasersnijden" with it)."""
    repos = Repositories(db)
    for center in repos.work_centers.list():
        if center.type == work_center_type:
            return center.code
    code, name = usual_work_center(work_center_type)
    taken, base, n = set(repos.work_centers.keys()), code, 1
    while code in taken:  # the usual code taken by a work center of another type
        n += 1
        code = f"{base}{n}"
    repos.work_centers.add(WorkCenter(code=code, name=name, type=work_center_type))
    return code


def machine_from_template(template: MachineTemplate) -> Machine:
    """A new machine's form filled from a template, without code, calendar and work center yet (not stored: the
    planner checks and saves it)."""
    return Machine.model_construct(
        code="", name=template.name, work_center="", hourly_rate=template.hourly_rate, power_kw=template.power_kw,
        calendar="", capabilities=template.capabilities, setup_times=template.setup_times, downtimes=(), active=True)


# ------------------------------------------------------------------ calendars

def add_public_holidays(calendar: Calendar, years: list[int]) -> Calendar:
    """The calendar with the Dutch public holidays of ``years`` added (those it has are kept as they are)."""
    from .demo import dutch_holidays

    have = {h.date for h in calendar.holidays}
    extra = [h for year in years for h in dutch_holidays(year) if h.date not in have]
    return calendar.model_copy(update={"holidays": tuple(sorted((*calendar.holidays, *extra),
                                                                key=lambda h: h.date))})
