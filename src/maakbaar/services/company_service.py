"""The company profile: the shop as its documents show it (name, address, KvK, BTW, IBAN, terms). Kept as one
record in the shop's settings, with a version so two people editing it at once do not overwrite each other."""

from __future__ import annotations

import json

from ..domain import CompanyProfile
from ..store.db import Session
from ..store.repositories import Repositories
from .errors import ConflictError

SETTING = "company_profile"


def profile(db: Session) -> tuple[CompanyProfile, int]:
    """The profile and its version (0: never saved; the shop's name and the default terms)."""
    from .shop_io import load_shop_name

    text = Repositories(db).settings.get(SETTING)
    if not text:
        return CompanyProfile(name=load_shop_name(db)), 0
    stored = json.loads(text)
    return CompanyProfile.model_validate(stored["profile"]), int(stored["version"])


def save(db: Session, changed: CompanyProfile, version: int | None) -> int:
    """Store the profile; refused when someone saved it since ``version`` was read. The name is also the shop's
    name everywhere else."""
    from .shop_io import SHOP_NAME_KEY

    _, current = profile(db)
    if version is not None and version != current:
        raise ConflictError("company profile", changed.name, version, current)
    repos = Repositories(db)
    repos.settings.set(SETTING, json.dumps({"version": current + 1, "profile": changed.model_dump(mode="json")}))
    repos.settings.set(SHOP_NAME_KEY, changed.name)
    return current + 1


def sender(db: Session):
    """The profile as the documents take it."""
    from ..documents import Sender

    company, _ = profile(db)
    return Sender(**company.model_dump(exclude={"quote_valid_days", "iban"}), iban=company.iban_grouped)
