"""Quoting from DXF files: price an upload, save it as a quote, and turn a quote into the order the customer gave."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Body, Depends, File, Form, Request, Response, UploadFile
from pydantic import BaseModel, Field

from ...services import quoting, uploads
from ...store.db import Session
from ..i18n import api_language
from ..uploads import THICKEST_SHEET_MM, quote_answer, stored_uploads
from .common import Dependencies


class QuoteOrderIn(BaseModel):
    quantities: dict[int, int] = Field(default_factory=dict, description="quote line number -> quantity ordered")
    due_date: dt.date | None = None
    priority: int = Field(default=3, ge=1, le=5)


def router(deps: Dependencies) -> APIRouter:
    routes = APIRouter()
    session, need = deps.session, deps.need

    @routes.get("/quotes/{number}/document.pdf", tags=["quotes"], response_class=Response)
    def quote_pdf(number: str, doc: str | None = None, db: Session = Depends(session), _=Depends(need("read"))):
        """The quote as the customer receives it, as a PDF (``doc``: nl, en or de; else the customer's language)."""
        return Response(quoting.quote_document_pdf(db, number, doc), media_type="application/pdf")

    @routes.post("/quotes/calculate", tags=["quotes"])
    def calculate(request: Request, files: list[UploadFile] = File(...), material: str = Form(...),
                  thickness_mm: float = Form(..., gt=0, le=THICKEST_SHEET_MM), quantities: str = Form("1,10,50"),
                  finish: str = Form("none"), weld_length_mm: float = Form(0, ge=0, le=1e6),
                  upload: str | None = Form(None), db: Session = Depends(session), _=Depends(need("quotes"))):
        folder = stored_uploads(files, upload)
        return quote_answer(db, folder, material, thickness_mm, quantities, finish, weld_length_mm,
                            api_language(request))

    @routes.post("/quotes/from-upload", tags=["quotes"], status_code=201)
    def save_quote(upload: str = Form(...), material: str = Form(...),
                   thickness_mm: float = Form(..., gt=0, le=THICKEST_SHEET_MM), quantities: str = Form("1,10,50"),
                   finish: str = Form("none"), weld_length_mm: float = Form(0, ge=0, le=1e6),
                   customer: str = Form(...), db: Session = Depends(session), _=Depends(need("quotes"))):
        folder = uploads.upload_folder(upload)
        _, quote = quoting.quote_and_save(db, uploads.drawings_in(folder), material, thickness_mm, quantities,
                                          customer, finish, weld_length_mm)
        db.commit()
        return {"quote": quote.number, "parts": [line.part for line in quote.lines]}

    @routes.post("/quotes/{number}/order", tags=["quotes"], status_code=201)
    def quote_to_order(number: str, body: QuoteOrderIn = Body(default=QuoteOrderIn()),
                       db: Session = Depends(session), _=Depends(need("orders"))):
        """The order the customer gave on a quote: per quote line the quantity ordered (default: the first
        break), priced at the largest break not above it; the due date from the lead time unless given."""
        order = quoting.order_from_quote(db, number, body.quantities or None, body.due_date, priority=body.priority)
        db.commit()
        return {"order": order.number, "due_date": order.due_date}

    return routes
