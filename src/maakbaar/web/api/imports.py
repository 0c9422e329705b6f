"""Spreadsheet imports (customers, calendars, materials, machines, operators, parts, routings, stock, orders; CSV
or Excel) in two steps, as on the page: the file is
checked in full and kept under a name the server chooses (nothing stored; every bad row is answered with its row
number, 422), then confirmed by its token and imported whole in one transaction, checked again."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Response, UploadFile

from ... import clock
from ...i18n import language
from ...services import tabular, uploads, workbook_template
from ...services.errors import InvalidInput
from ...store.db import Session
from .common import Dependencies


def router(deps: Dependencies) -> APIRouter:
    routes = APIRouter()
    session, need = deps.session, deps.need

    @routes.get("/imports/template", tags=["import"], response_class=Response)
    def template(lang: str = "nl", _=Depends(need("read"))):
        """The onboarding workbook: every sheet the import reads with an example in its first rows and a sheet
        explaining each column (``lang``: nl or en)."""
        data = workbook_template.template_workbook(language(lang, ("nl", "en")), clock.today())
        return Response(data, media_type=tabular.XLSX, headers={"Content-Disposition": 'attachment; filename="maakbaar-werkmap.xlsx"'})

    @routes.post("/imports", tags=["import"])
    def preview(file: UploadFile = File(...), db: Session = Depends(session), _=Depends(need("masterdata"))):
        """Check a file: what it would add and update (``counts``), and the ``token`` to confirm it with."""
        try:
            token, shown, counts = tabular.preview_upload(db, file.filename or "import", file.file)
        except InvalidInput as error:
            if error.code != "import_kind":
                raise
            raise InvalidInput(str(error), field="file", code="import_kind", **error.params) from None
        finally:
            db.rollback()  # the preview stores nothing
        return {"token": token, "file": shown, "counts": counts, "stored": False}

    @routes.post("/imports/{token}/confirm", tags=["import"], status_code=201)
    def confirm(token: str, db: Session = Depends(session), _=Depends(need("masterdata"))):
        """Import the previewed file; 404 once it was confirmed or has expired."""
        path, shown = uploads.kept_import(token)
        counts = tabular.confirm_upload(db, path, shown)
        db.commit()
        uploads.forget_import(path)
        return {"file": shown, "counts": counts, "stored": True}

    return routes
