"""Serve the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import config
from .app import app
from .common import console, database, h, run, say


@app.command(help=h("help.serve"))
def serve(
    host: Annotated[str, typer.Option(help=h("help.serve.host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=h("help.serve.port"))] = 8000,
) -> None:
    """Serve the web app (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from ..web.app import create_app

    def action():
        engine = database()
        console.print(say("cli.serving", url=f"http://{host}:{port}", database=config.database_url()))
        uvicorn.run(create_app(engine), host=host, port=port, log_level="info")

    run(action)
