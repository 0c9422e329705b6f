"""Clearing what the data folder gathers: upload folders of quotes never saved, imports never confirmed."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from sqlalchemy.orm import Session

from ..store.records import drawing_refs

TOKEN = re.compile(r"[0-9a-f]{32}")  # the names the server gives uploads and imports (uuid4 hex)


def clean_data_folder(session: Session, root: Path, upload_days: float = 7.0, import_hours: float = 24.0,
                      now: float | None = None) -> dict[str, int]:
    """Remove upload folders older than ``upload_days`` that no stored part points to (a saved quote's parts keep
    their drawings), and imports waiting longer than ``import_hours`` for their confirmation. Only names the
    server made (32 hex digits) are touched."""
    now = time.time() if now is None else now
    kept = {Path(ref).parent.name for ref in drawing_refs(session)}
    removed = {"uploads": 0, "imports": 0}
    uploads = root / "uploads"
    if uploads.is_dir():
        for folder in uploads.iterdir():
            if folder.is_dir() and TOKEN.fullmatch(folder.name) and folder.name not in kept \
                    and folder.stat().st_mtime < now - upload_days * 86400:
                shutil.rmtree(folder, ignore_errors=True)
                removed["uploads"] += 1
    imports = root / "imports"
    if imports.is_dir():
        for path in imports.iterdir():
            if path.is_file() and TOKEN.fullmatch(path.stem) and path.stat().st_mtime < now - import_hours * 3600:
                path.unlink(missing_ok=True)
                removed["imports"] += 1
    return removed
