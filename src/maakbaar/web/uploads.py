"""Drawings sent to be quoted, as the page and the API take them: the files go to ``services.uploads`` (which
names them), the quote to ``services.quoting``; this module only adapts FastAPI's upload objects and renders
the answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import UploadFile

from ..documents import part_svg
from ..services import cost_service, quoting, uploads
from ..store.db import Session

THICKEST_SHEET_MM = 100.0  # a quote's sheet thickness: above zero and at most this (else 422 naming the field)


def stored_uploads(files: list[UploadFile], token: str | None = None) -> Path:
    """The folder holding these uploads (added to the upload ``token`` when given; only the token when no file)."""
    if not files:
        return uploads.upload_folder(token or "")
    return uploads.save_uploads([(f.filename or "", f.file) for f in files], token or None)


def quote_answer(db: Session, folder: Path, material: str, thickness_mm: float, quantities: str, finish: str,
                 weld_length_mm: float, lang: str = "en") -> dict[str, Any]:
    """The quote of the drawings in ``folder``, with a preview of each part and the problems in ``lang``."""
    run = quoting.quote_drawings(db, uploads.drawings_in(folder), material, thickness_mm, quantities, finish,
                                 weld_length_mm)
    answer = quoting.run_as_dict(run, lang)
    answer["upload"] = folder.name
    answer["previews"] = [part_svg(q.geometry) for q in run.parts]
    for shown, quoted in zip(answer["parts"], run.parts):  # each number it used: the shop's own or the reference
        shown["used"] = [{"path": v.path, "value": v.value, "unit": v.unit, "own": v.own,
                          "set_on": v.set_on.isoformat() if v.set_on else None, "source": v.source}
                         for v in cost_service.used_values(db, quoted.quote.used)]
    return answer
