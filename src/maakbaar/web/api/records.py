"""The generic routes for master data and records, the same for every kind: /api/<kind> lists and adds,
/api/<kind>/<key> reads, replaces (with the version read, else 409) and deletes (409 naming what still uses it).
The body is the domain model itself, so FastAPI validates it (422 with the field) and documents it."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Header
from fastapi.responses import Response

from ...domain import Order
from ...services import masterdata_service, order_service
from ...services.order_service import OrderDraft
from ...store.db import Session
from ...store.repositories import Repositories
from .common import Dependencies, version_from

# kind in the URL -> (repository attribute, domain model, permission to change)
RESOURCES: dict[str, tuple[str, type, str]] = {
    name: (k.attribute, k.model, k.permission) for name, k in masterdata_service.KINDS.items()}


def router(deps: Dependencies) -> APIRouter:
    routes = APIRouter()
    for kind, (attribute, model, permission) in RESOURCES.items():
        _add_kind(routes, deps, kind, attribute, model, permission)
    return routes


def _add_kind(routes: APIRouter, deps: Dependencies, kind: str, attribute: str, model: type, permission: str):
    session, need = deps.session, deps.need

    def repo(db: Session):
        return getattr(Repositories(db), attribute)

    def out(item, version: int) -> dict:
        return item.model_dump(mode="json") | {"version": version}

    def list_items(db: Session = Depends(session), _=Depends(need("read"))):
        r = repo(db)
        known = r.versions()
        return [out(item, known.get(r.key_of(item), 1)) for item in r.list()]

    def get_item(key: str, db: Session = Depends(session), _=Depends(need("read"))):
        return out(*masterdata_service.get(db, kind, key))

    def add_item(item=Body(...), db: Session = Depends(session), _=Depends(need(permission))):
        if isinstance(item, OrderDraft):  # an order is numbered and dated by its service, as on the page
            item = order_service.create_order(db, item)
        else:
            masterdata_service.add(db, kind, item)
        db.commit()
        return out(item, 1)

    def replace_item(key: str, item=Body(...), if_match: str | None = Header(default=None),
                     version: int | None = None, db: Session = Depends(session), _=Depends(need(permission))):
        new_version = masterdata_service.change(db, kind, key, item, version_from(if_match, version))
        db.commit()
        return out(item, new_version)

    def delete_item(key: str, db: Session = Depends(session), _=Depends(need(permission))):
        masterdata_service.delete(db, kind, key)
        db.commit()
        return Response(status_code=204)

    add_item.__annotations__["item"] = OrderDraft if model is Order else model
    replace_item.__annotations__["item"] = model
    routes.add_api_route(f"/{kind}", list_items, methods=["GET"], tags=[kind], summary=f"List {kind}")
    routes.add_api_route(f"/{kind}/{{key}}", get_item, methods=["GET"], tags=[kind], summary=f"One of {kind}")
    routes.add_api_route(f"/{kind}", add_item, methods=["POST"], tags=[kind], status_code=201,
                         summary=f"Add to {kind}")
    routes.add_api_route(f"/{kind}/{{key}}", replace_item, methods=["PUT"], tags=[kind],
                         summary=f"Replace one of {kind} (send the version read as If-Match)")
    routes.add_api_route(f"/{kind}/{{key}}", delete_item, methods=["DELETE"], tags=[kind], status_code=204,
                         summary=f"Delete one of {kind}")
