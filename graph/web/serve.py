"""`deals serve`: Datasette over the database, read-only, with the project's metadata and
plugin. Datasette reads through `?mode=ro` connections, so cron keeps writing meanwhile."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path
from typing import Callable

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def datasette_for(path: str | Path):
    """A Datasette instance over the database at `path`, with this project's plugin."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from graph.web import plugin
    from graph.web.metadata import metadata

    if not pm.is_registered(plugin):
        pm.register(plugin, name="deals")
    return Datasette(
        files=[str(path)],
        metadata=metadata(Path(path).stem),
        template_dir=str(TEMPLATES),
        static_mounts=[(plugin.STATIC_MOUNT, str(STATIC))],
        settings={
            "truncate_cells_html": 300,
            "suggest_facets": False,
            "default_facet_size": 6,
            "default_page_size": 50,
            "allow_download": False,
            "allow_csv_stream": True,
        },
    )


def serve(
    store,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    open_browser: bool = False,
    echo: Callable[[str], None] = print,
) -> None:
    """Bring the tables and the search index up to date, then serve until interrupted."""
    import asyncio

    import uvicorn

    from store.replay import catch_up

    catch_up(store)
    path = Path(store.path)
    ds = datasette_for(path)
    asyncio.run(ds.invoke_startup())
    url = f"http://{host}:{port}/{path.stem}/deals"
    echo(f"serving {path} read-only at {url} (Ctrl-C stops)")
    if open_browser:  # once the server is listening
        threading.Timer(1.0, webbrowser.open, [url]).start()
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
