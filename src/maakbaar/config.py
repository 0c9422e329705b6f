"""Where maakbaar keeps its data. Everything can be set by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL_ENV = "MAAKBAAR_DATABASE_URL"
DATA_DIR_ENV = "MAAKBAAR_DATA_DIR"


def data_dir() -> Path:
    """The data folder: ``$MAAKBAAR_DATA_DIR``, else ``./data`` in the working folder."""
    return Path(os.environ.get(DATA_DIR_ENV) or Path.cwd() / "data")


def database_url() -> str:
    """``$MAAKBAAR_DATABASE_URL`` (e.g. postgresql+psycopg://user@host/db), else SQLite in the data folder."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    return f"sqlite:///{data_dir() / 'maakbaar.db'}"
