"""Files people send: DXF drawings to quote, spreadsheets to import. Each is kept under a name the server
chooses (32 hex digits for the folder or file, letters, digits, '-' and '_' for a drawing), so no client-given
text ever becomes part of a path; ``housekeeping`` removes what nobody saved."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import BinaryIO

from ..config import data_dir
from .errors import InvalidInput, NotFound, TooLarge
from .housekeeping import TOKEN

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_FILES = 50
MAX_UPLOAD_TOTAL_BYTES = 50 * 1024 * 1024
IMPORT_SUFFIXES = (".csv", ".xlsx", ".xlsm")
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def upload_folder(token: str) -> Path:
    """The folder of an earlier upload (``save_uploads`` chose its name)."""
    if not token or not TOKEN.fullmatch(token):
        raise InvalidInput("unknown upload", code="upload.unknown")
    folder = data_dir() / "uploads" / token
    if not folder.is_dir():
        raise NotFound("upload not found (upload the DXF files again)", code="upload.gone")
    return folder


def save_uploads(files: list[tuple[str, BinaryIO]], token: str | None = None) -> Path:
    """Store uploaded DXF files (``(name the client gave, stream)``) in a folder the server names (``token``: an
    earlier upload's, to add to it), each under a name made from the file's: letters, digits, '-' and '_' only,
    then '.dxf' (so 'C:\\tekeningen\\../beugel 1.DXF' becomes 'beugel_1.dxf')."""
    if len(files) > MAX_UPLOAD_FILES:
        raise TooLarge(f"at most {MAX_UPLOAD_FILES} files at once", code="upload.too_many", limit=MAX_UPLOAD_FILES)
    folder = upload_folder(token) if token else data_dir() / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    total = sum(p.stat().st_size for p in folder.glob("*.dxf"))
    taken: set[str] = set()
    for given, stream in files:
        name = safe_file_name(given or "", taken)  # the same name again replaces the earlier file
        taken.add(name)
        target = folder / name
        with target.open("wb") as out:
            copied = 0
            while chunk := stream.read(1 << 20):
                copied += len(chunk)
                total += len(chunk)
                if copied > MAX_UPLOAD_BYTES or total > MAX_UPLOAD_TOTAL_BYTES:
                    out.close()
                    target.unlink(missing_ok=True)
                    if copied > MAX_UPLOAD_BYTES:
                        raise TooLarge(f"{name} is larger than {MAX_UPLOAD_BYTES // 2**20} MB", code="upload.file_too_large",
                                       file=name, mb=MAX_UPLOAD_BYTES // 2**20)
                    raise TooLarge(f"the files together are larger than {MAX_UPLOAD_TOTAL_BYTES // 2**20} MB",
                                   code="upload.total_too_large", mb=MAX_UPLOAD_TOTAL_BYTES // 2**20)
                out.write(chunk)
    return folder


def drawings_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.dxf"))


def shown_name(given: str) -> str:
    """A client's file name as the user knows it: its last part after any / or \\ (a path never comes along)."""
    return given.replace("\\", "/").rsplit("/", 1)[-1][:120]


def safe_file_name(given: str, taken: set[str]) -> str:
    """A file name made from a client's: its last part after any / or \\, letters, digits, '-' and '_' kept, the
    rest '_', at most 60 characters, '.dxf', and '-2', '-3' ... where ``taken`` has the name already."""
    last = shown_name(given)
    stem = last[:-4] if last.lower().endswith(".dxf") else last
    safe = "".join(c if (c.isascii() and c.isalnum()) or c in "-_" else "_" for c in stem).strip("_")[:60] or "part"
    name, k = f"{safe}.dxf", 1
    while name in taken:
        k += 1
        name = f"{safe}-{k}.dxf"
    return name


def _import_path(token: str, suffix: str) -> Path:
    return data_dir() / "imports" / f"{token}{suffix}"


def keep_import(given: str, stream: BinaryIO) -> tuple[str, Path, str]:
    """Keep a spreadsheet until its import is confirmed: (token, where it lies, the name the user knows)."""
    shown = shown_name(given or "import")
    suffix = Path(shown).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise InvalidInput(f"{shown}: a {suffix or '-'} file cannot be imported", code="import_kind",
                           suffix=suffix or "-")
    data = stream.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise TooLarge(f"{shown} is larger than {MAX_IMPORT_BYTES // 2**20} MB", code="upload.file_too_large", file=shown,
                       mb=MAX_IMPORT_BYTES // 2**20)
    token = uuid.uuid4().hex
    path = _import_path(token, suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    (path.parent / f"{token}.name").write_text(shown, encoding="utf-8")
    return token, path, shown


def kept_import(token: str) -> tuple[Path, str]:
    """A spreadsheet kept by ``keep_import``: where it lies and the name the user knows."""
    if not TOKEN.fullmatch(token):
        raise InvalidInput("unknown import", code="upload.unknown")
    path = next((p for p in (_import_path(token, s) for s in IMPORT_SUFFIXES) if p.is_file()), None)
    if path is None:
        raise NotFound("this import was confirmed already or has expired: upload the file again",
                       code="upload.import_gone")
    name_file = path.parent / f"{token}.name"
    return path, name_file.read_text(encoding="utf-8") if name_file.is_file() else path.name


def forget_import(path: Path) -> None:
    path.unlink(missing_ok=True)
    (path.parent / f"{path.stem}.name").unlink(missing_ok=True)
