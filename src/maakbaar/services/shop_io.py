"""The whole shop to and from one JSON file (format ``maakbaar-shop``, version 1).

The file is the :class:`maakbaar.domain.Shop` model as JSON, wrapped in a small envelope::

    {"format": "maakbaar-shop", "version": 1, "exported_at": "...", "shop": {...}}

Every reference is by the shop's own codes (material grade, machine code, order number), so the file
can be read, edited and written by a person or a spreadsheet macro. ``maakbaar export --schema`` prints
the JSON Schema of ``shop``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from ..domain import Shop, validation_reasons
from ..reasons import Reason
from ..store.repositories import Repositories
from .errors import ImportProblem, NotEmptyError

FORMAT = "maakbaar-shop"
VERSION = 1
SHOP_NAME_KEY = "shop.name"


def load_shop(session: Session) -> Shop:
    """The stored shop as one validated value."""
    repos = Repositories(session)
    values: dict[str, Any] = {"name": repos.settings.get(SHOP_NAME_KEY, "Mijn werkplaats")}
    for field, repo in repos.in_store_order():
        values[field] = tuple(repo.list())
    return Shop(**values)


def count_items(shop: Shop) -> int:
    return sum(len(getattr(shop, field)) for field, _repo in Repositories.FIELDS)


def load_shop_name(session: Session) -> str:
    return Repositories(session).settings.get(SHOP_NAME_KEY, "Mijn werkplaats")


def store_shop(session: Session, shop: Shop, on_item: Callable[[], None] | None = None) -> dict[str, int]:
    """Store a whole validated shop into an empty database. Returns how many of each were added."""
    repos = Repositories(session)
    if not is_empty(session):
        raise NotEmptyError("the database already holds a shop; import into an empty database (or use --replace)",
                            code="error.not_empty")
    repos.settings.set(SHOP_NAME_KEY, shop.name)
    counts = {}
    for field, repo in repos.in_store_order():
        items = getattr(shop, field)
        for item in items:
            repo.add(item)
            if on_item is not None:
                on_item()
        counts[field] = len(items)
    return counts


def clear_shop(session: Session) -> None:
    """Delete every record of the shop (children before parents)."""
    repos = Repositories(session)
    for _field, repo in reversed(repos.in_store_order()):
        for key in repo.keys():
            repo.delete(key)


def is_empty(session: Session) -> bool:
    repos = Repositories(session)
    return all(repo.count() == 0 for _field, repo in repos.in_store_order())


def shop_to_document(shop: Shop, exported_at: dt.datetime | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if exported_at is not None:
        document["exported_at"] = exported_at.isoformat(timespec="seconds")
    document["shop"] = shop.model_dump(mode="json")
    return document


def export_json(session: Session, path: Path, exported_at: dt.datetime | None = None) -> Shop:
    shop = load_shop(session)
    text = json.dumps(shop_to_document(shop, exported_at), indent=2, ensure_ascii=False)
    Path(path).write_text(text + "\n", encoding="utf-8")
    return shop


def parse_shop_document(text: str, source: str = "shop file") -> Shop:
    """Read and validate a shop document; every problem is listed with its field path."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportProblem(source, [Reason.of("import.json_syntax", line=error.lineno, column=error.colno, error=error.msg)])
    except RecursionError:
        raise ImportProblem(source, [Reason.of("import.json_deep")]) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportProblem(source, [Reason.of("import.json_format", format=FORMAT)])
    if document.get("version") != VERSION:
        raise ImportProblem(source, [Reason.of("import.json_version", version=repr(document.get("version")), supported=VERSION)])
    if "shop" not in document:
        raise ImportProblem(source, [Reason.of("import.json_no_shop")])
    try:
        return Shop.model_validate(document["shop"])
    except RecursionError:
        raise ImportProblem(source, [Reason.of("import.json_deep")]) from None
    except ValidationError as error:
        raise ImportProblem(source, validation_reasons(error, "shop")) from None


def import_json(session: Session, path: Path, replace: bool = False) -> dict[str, int]:
    """Import a whole shop. With ``replace`` the stored shop is deleted first (in the same transaction)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportProblem(str(path), [Reason.of("import.unreadable", error=str(error)[:300])]) from None
    shop = parse_shop_document(text, str(path))
    if replace:
        clear_shop(session)
    return store_shop(session, shop)


def shop_json_schema() -> dict[str, Any]:
    return Shop.model_json_schema()
