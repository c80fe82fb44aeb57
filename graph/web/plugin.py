"""The project's Datasette plugin: a page per deal and per company, and table cells that
link to them. Registered by `deals serve`; it only ever reads."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote, unquote

import markupsafe
from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound, Response

from graph.names import UnknownName
from graph.web import pages

STATIC_MOUNT = "deals-static"  # the project's own CSS, served by Datasette
DEAL_TABLES = {"deal_parties", "deal_figures", "deal_reports", "deal_curation"}
MONEY = {"value_usd"}


def _link(datasette, path: str, text: str) -> str:
    return f'<a href="{markupsafe.escape(datasette.urls.path(path))}">{markupsafe.escape(text)}</a>'


def _deal_path(ident: str) -> str:
    return "/deal/" + quote(ident, safe="")


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Deal ids link to deal pages, company names and keys to company pages; dollars and
    accelerator counts read as $38B and 50k."""
    if value is None or isinstance(value, bytes):
        return None
    if (column == "deal_id" and (table in DEAL_TABLES or table is None)) or (
        table == "deals" and column == "id"
    ):
        return markupsafe.Markup(_link(datasette, _deal_path(str(value)), str(value)))
    if column == "parties" and table in ("deals", None):
        names = pages.parties_json(value)
        if names is not None:
            return markupsafe.Markup(
                ", ".join(_link(datasette, pages.company_path(n), n) for n in names)
            )
    if (table, column) in (
        ("deal_parties", "company_key"),
        ("companies", "key"),
        ("companies", "name"),
        ("company_aliases", "canonical_key"),
    ):
        return markupsafe.Markup(_link(datasette, pages.company_path(str(value)), str(value)))
    if column == "party_key" and isinstance(value, str):  # keys joined by a control character
        return " + ".join(value.split("\x1f"))
    if column in MONEY and isinstance(value, (int, float)):
        return pages.figure(column, value)
    if column == "gpu_count" and isinstance(value, (int, float)):
        return pages.figure(column, value)
    return None


def _database(datasette):
    return datasette.get_database()


async def deal_page(datasette, request):
    ident = unquote(request.url_vars["deal_id"])
    try:
        data = await _database(datasette).execute_fn(lambda conn: pages.deal(conn, ident))
    except UnknownName as exc:
        raise NotFound(str(exc)) from None
    return Response.html(
        await datasette.render_template(
            "deal.html", {**data, "database": _database(datasette).name}, request=request
        )
    )


async def company_page(datasette, request):
    from graph.pictures import network
    from graph.pictures.output import svg_text

    text = unquote(request.url_vars["company"])
    depth = 2 if request.args.get("depth") == "2" else 1
    db = _database(datasette)

    def read(conn):
        data = pages.company(conn, text)
        return data, network.partner_network(conn, party=data["key"], depth=depth)

    try:
        data, graph = await db.execute_fn(read)
    except UnknownName as exc:
        raise NotFound(str(exc)) from None
    title = f"{data['name']}: partners within {depth} deal{'s' if depth > 1 else ''}"
    svg = await asyncio.get_running_loop().run_in_executor(
        None, lambda: svg_text(network.draw(graph, title))
    )
    return Response.html(
        await datasette.render_template(
            "company.html",
            {
                **data,
                "svg": markupsafe.Markup(svg),
                "depth": depth,
                "database": db.name,
                "partners": len(graph) - 1 if graph else 0,
            },
            request=request,
        )
    )


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(f"/{STATIC_MOUNT}/deals.css")]


async def row_page(datasette, request):
    """Datasette's row page of a deal or a company is the project's page for it."""
    table, key = request.url_vars["table"], request.url_vars["key"]
    path = (_deal_path if table == "deals" else pages.company_path)(tilde_decode(unquote(key)))
    return Response.redirect(datasette.urls.path(path))


@hookimpl
def register_routes(datasette):
    db = re.escape(tilde_encode(datasette.get_database().name))
    return [
        (r"^/deal/(?P<deal_id>[^/]+)$", deal_page),
        (r"^/company/(?P<company>[^/]+)$", company_page),
        (rf"^/{db}/(?P<table>deals|companies)/(?P<key>[^/.]+)$", row_page),
    ]
