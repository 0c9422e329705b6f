"""Work centers, machines, operators and customers."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from .calendars import Closure
from ..reasons import Reason, size
from .common import Code, DomainModel, MaterialFamily, Name, Text, WorkCenterType, refusal


class WorkCenter(DomainModel):
    """A group of interchangeable capacity of one type: 'Lasersnijden', 'Kantbanken', 'Lassen'."""

    code: Code
    name: Name
    type: WorkCenterType


class MachineCapabilities(DomainModel):
    max_sheet_length_mm: float | None = Field(default=None, gt=0)
    max_sheet_width_mm: float | None = Field(default=None, gt=0)
    max_thickness_mm: dict[MaterialFamily, float] = Field(
        default_factory=dict, description="per material family, e.g. {'steel': 25, 'stainless': 20}"
    )
    bend_length_mm: float | None = Field(default=None, gt=0, description="press brake working length")
    tonnage_t: float | None = Field(default=None, gt=0, description="press brake force in tonnes")

    @field_validator("max_thickness_mm")
    @classmethod
    def _positive_thickness(cls, value: dict[MaterialFamily, float]):
        for family, thickness in value.items():
            if thickness <= 0:
                raise refusal("domain.thickness_positive", "max thickness for {family} must be > 0, got {thickness}",
                              family=Reason.of(f"family.{family}"), thickness=size(thickness))
        return value

    @model_validator(mode="after")
    def _sheet_size_pairs(self):
        if (self.max_sheet_length_mm is None) != (self.max_sheet_width_mm is None):
            raise refusal("domain.sheet_size_pair", "give both max_sheet_length_mm and max_sheet_width_mm, or neither")
        return self


class SetupTime(DomainModel):
    """One row of a machine's changeover (setup) matrix: from an operation of one setup family to one of
    another takes ``minutes``. Families may be patterns: ``*`` stands for any text ("S235JR *" is every
    thickness of S235JR; "*" any family)."""

    from_family: Text = Field(min_length=1, max_length=200)
    to_family: Text = Field(min_length=1, max_length=200)
    minutes: float = Field(ge=0, le=24 * 60)


class Machine(DomainModel):
    """One machine (or station) in a work center, with its own rate, power, calendar and limits.

    ``setup_times``: the machine's changeover matrix, the first matching row wins; a change it does not
    list takes the routing step's own setup time, and the same family needs no setup."""

    code: Code
    name: Name
    work_center: Code
    hourly_rate: float = Field(ge=0, le=2000, description="EUR per hour, all-in")
    power_kw: float = Field(ge=0, le=2000, description="average electrical power in use, at the wall")
    calendar: Code
    capabilities: MachineCapabilities = MachineCapabilities()
    downtimes: tuple[Closure, ...] = ()
    setup_times: tuple[SetupTime, ...] = ()
    active: bool = True


class Skill(DomainModel):
    work_center_type: WorkCenterType
    level: int = Field(ge=1, le=3, description="1 = can do it with help, 2 = independent, 3 = expert / can set up")


class Operator(DomainModel):
    code: Code
    name: Name
    calendar: Code
    skills: tuple[Skill, ...] = ()
    active: bool = True

    @field_validator("skills")
    @classmethod
    def _one_skill_per_type(cls, skills: tuple[Skill, ...]):
        seen = set()
        for i, skill in enumerate(skills):
            if skill.work_center_type in seen:
                raise refusal("domain.skill_twice", "skills[{i}]: {type} is listed twice", i=i,
                              type=Reason.of(f"wct.{skill.work_center_type}"))
            seen.add(skill.work_center_type)
        return skills

    def level_for(self, work_center_type: WorkCenterType) -> int:
        for skill in self.skills:
            if skill.work_center_type == work_center_type:
                return skill.level
        return 0


class Customer(DomainModel):
    code: Code
    name: Name
    address: Text = ""
    postcode: Text = ""
    city: Text = ""
    country: str = Field(default="NL", pattern=r"^[A-Z]{2}$")
    email: Text = ""
    phone: Text = ""
    # the language of what the customer receives (quote, order confirmation, delivery note, CO2 report):
    # nl, en or de; empty: by country (see document_language)
    language: str = Field(default="", pattern=r"^(|nl|en|de)$")

    @property
    def document_language(self) -> str:
        """The language documents go out in: the customer's own choice, else German for Germany, Austria,
        Switzerland and Liechtenstein, Dutch for the Netherlands, Belgium and Suriname, English elsewhere."""
        if self.language:
            return self.language
        return {"DE": "de", "AT": "de", "CH": "de", "LI": "de", "NL": "nl", "BE": "nl", "SR": "nl"}.get(
            self.country, "en")
