"""The ``maakbaar`` command line: each command parses its options, calls one service and prints the answer.

Commands live per subject (``shopdata``, ``orders``, ``planning``, ``quotes``, ``nesting``, ``co2``, ``floor``,
``users``, ``serve``); ``common`` maps the services' errors to messages and exit codes.
"""

from __future__ import annotations

from . import co2, floor, nesting, orders, planning, quotes, serve, shopdata, users  # noqa: F401  (they register)
from .app import app

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
