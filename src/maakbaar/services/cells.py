"""One cell of an imported sheet read as a person typed it: text, a number with a decimal comma or point, a
whole number, a date, yes/no (ja/nee), a clock time, breaks. A cell that cannot be read raises ``CellError``
naming its column; the import reports it with its sheet and row."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from ..domain import Break
from ..reasons import Reason

# A ';'-separated CSV file comes from a European Excel (where ',' is the decimal mark): there a point before
# groups of three digits marks thousands ("3.000" is three thousand), as in the app's Dutch forms.
_points_group_thousands: ContextVar[bool] = ContextVar("points_group_thousands", default=False)
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d*)?")


@contextmanager
def thousands_points(on: bool):
    """Within this block a point before groups of three digits is a thousands mark (``on``), else decimal."""
    token = _points_group_thousands.set(on)
    try:
        yield
    finally:
        _points_group_thousands.reset(token)


def field_problem(column: str, code: str, **values) -> Reason:
    """What is wrong (``code`` with its values) in the column ``column``."""
    return Reason.of("field", field=column, problem=Reason.of(code, **values))


class CellError(ValueError):
    """One cell that cannot be read: ``reason`` names the column and what is wrong with the value."""

    def __init__(self, column: str, code: str, message: str, **values):
        self.reason = field_problem(column, code, **values)
        super().__init__(f"{column}: {message}")


def at_rows(kind: str, rows, problem: Reason) -> Reason:
    """``problem`` found in row(s) ``rows`` of the ``kind`` sheet (orders, parts, routings, stock)."""
    rows = (rows,) if isinstance(rows, int) else tuple(rows)
    return Reason.of("import.at", sheet=Reason.of(f"import.sheet.{kind}"), rows=rows, n=len(rows), problem=problem)


def blank(value: Any) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def decimal_point(typed: str) -> str:
    """A number as a person typed it with the decimal mark as a point: 1.234,56 (Dutch) and 1,234.56 (English)
    both become 1234.56 (the last mark is the decimal one), 3,5 becomes 3.5."""
    if "," in typed and "." in typed:
        if typed.rfind(",") > typed.rfind("."):
            return typed.replace(".", "").replace(",", ".")
        return typed.replace(",", "")
    return typed.replace(",", ".")


def number(value: Any, column: str) -> float | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(column, "import.not_number", f"'{value}' is not a number", value=str(value))
    if isinstance(value, int | float):
        return float(value)
    typed = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if _points_group_thousands.get() and _GROUPED.fullmatch(typed):
        typed = typed.replace(".", "")
    try:
        return float(decimal_point(typed))
    except ValueError:
        raise CellError(column, "import.not_number", f"'{value}' is not a number", value=str(value)) from None


def integer(value: Any, column: str) -> int | None:
    found = number(value, column)
    if found is None:
        return None
    if not float(found).is_integer():
        raise CellError(column, "import.not_whole", f"'{value}' is not a whole number", value=str(value))
    return int(found)


def date(value: Any, column: str) -> dt.date | None:
    if blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    typed = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(typed, fmt).date()
        except ValueError:
            pass
    raise CellError(column, "import.not_date", f"'{value}' is not a date (use YYYY-MM-DD or DD-MM-YYYY)",
                    value=str(value))


def yes_no(value: Any, column: str) -> bool | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    typed = text(value).lower()
    if typed in ("1", "ja", "j", "yes", "y", "true", "waar", "x"):
        return True
    if typed in ("0", "nee", "n", "no", "false", "onwaar"):
        return False
    raise CellError(column, "import.not_yes_no", f"'{value}' is not yes/no (ja/nee)", value=str(value))


def read_time(typed: str) -> dt.time:
    """7, 07:00, 6.30 and 6h30 as a clock time; ValueError for anything else."""
    found = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?", typed)
    if not found:
        raise ValueError(typed)
    return dt.time(int(found.group(1)), int(found.group(2) or 0))


def read_breaks(typed: str) -> tuple[Break, ...]:
    """'10:00-10:15, 12:30-13:00' as breaks; ValueError for anything else."""
    out = []
    for piece in re.split(r"[,;]+", typed or ""):
        piece = piece.strip()
        if not piece:
            continue
        a, _, b = re.split(r"\s*([-–])\s*", piece, maxsplit=1) if re.search(r"[-–]", piece) else (piece, "", "")
        if not b:
            raise ValueError(piece)
        out.append(Break(start=read_time(a), end=read_time(b)))
    return tuple(out)


def clock_time(value: Any, column: str) -> dt.time | None:
    """A time cell: Excel's own time (or a fraction of a day), or text such as 07:00 or 7."""
    if blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60, minutes % 60)
    try:
        return read_time(text(value))
    except ValueError:
        raise CellError(column, "import.not_time", f"'{value}' is not a time (e.g. 07:00)", value=str(value)) from None
