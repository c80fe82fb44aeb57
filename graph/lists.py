"""`deals list`: the names a query can filter by (companies, chips, facilities, locations)
and the kinds of deal, each with how many deals name it. Rejected deals are left out.

Standard sqlite3 only, like `deals query`: no networkx, no spaCy, no Scrapy.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict

from vocab import KIND_MEANINGS, KINDS, OPERATOR_ROLES

WHAT = ("companies", "chips", "facilities", "locations", "kinds")
VISIBLE = "d.curation IS NOT 'rejected'"


def companies(conn: sqlite3.Connection) -> list[dict]:
    """Each company party to a deal: its deals, the roles it plays, the other names articles
    use for it; most deals first."""
    roles: dict[str, Counter] = defaultdict(Counter)
    for key, role in conn.execute(
        f"SELECT p.company_key, p.role FROM deal_parties p JOIN deals d ON d.id = p.deal_id"
        f" WHERE {VISIBLE}"
    ):
        roles[key][role or "?"] += 1
    aliases: dict[str, list[str]] = defaultdict(list)
    for key, alias in conn.execute(
        "SELECT canonical_key, alias FROM company_aliases ORDER BY canonical_key, alias"
    ):
        aliases[key].append(alias)
    rows = []
    for key, name in conn.execute("SELECT key, name FROM companies"):
        if key not in roles:
            continue
        other = [a for a in aliases.get(key, ()) if a.casefold() != name.casefold()]
        rows.append(
            {
                "name": name,
                "deals": sum(roles[key].values()),
                "roles": [r for r, _ in sorted(roles[key].items(), key=lambda kv: (-kv[1], kv[0]))],
                "aliases": sorted(set(other), key=str.casefold),
            }
        )
    return sorted(rows, key=lambda r: (-r["deals"], r["name"].casefold()))


def chips(conn: sqlite3.Connection) -> list[dict]:
    """Each accelerator deals name, with its deals and the accelerators they state."""
    rows = [
        {"name": chip, "deals": n, "gpus": gpus}
        for chip, n, gpus in conn.execute(
            f"SELECT MIN(d.chip), COUNT(*), SUM(d.gpu_count) FROM deals d"
            f" WHERE d.chip IS NOT NULL AND {VISIBLE} GROUP BY d.chip COLLATE NOCASE"
        )
    ]
    return sorted(rows, key=lambda r: (-r["deals"], r["name"].casefold()))


def facilities(conn: sqlite3.Connection) -> list[dict]:
    """Each named site deals are at: where it is, who builds or runs it, its deals."""
    known = {
        name.casefold(): (location, operator)
        for name, location, operator in conn.execute(
            "SELECT name, location, operator FROM facilities"
        )
    }
    runs: dict[str, set[str]] = defaultdict(set)
    marks = ",".join("?" * len(OPERATOR_ROLES))
    for facility, company in conn.execute(
        f"SELECT d.facility, c.name FROM deals d JOIN deal_parties p ON p.deal_id = d.id"
        f" JOIN companies c ON c.key = p.company_key WHERE d.facility IS NOT NULL"
        f" AND {VISIBLE} AND p.role IN ({marks})",
        OPERATOR_ROLES,
    ):
        runs[facility.casefold()].add(company)
    rows = []
    for facility, n, location in conn.execute(
        f"SELECT MIN(d.facility), COUNT(*), MIN(d.location) FROM deals d"
        f" WHERE d.facility IS NOT NULL AND {VISIBLE} GROUP BY d.facility COLLATE NOCASE"
    ):
        place, operator = known.get(facility.casefold(), (None, None))
        operators = sorted(runs.get(facility.casefold(), set()) | ({operator} - {None}))
        rows.append(
            {"name": facility, "location": place or location, "operators": operators, "deals": n}
        )
    return sorted(rows, key=lambda r: (-r["deals"], r["name"].casefold()))


def locations(conn: sqlite3.Connection) -> list[dict]:
    """Each place deals are at, as the articles state it."""
    rows = [
        {"name": place, "deals": n}
        for place, n in conn.execute(
            f"SELECT d.location, COUNT(*) FROM deals d WHERE d.location IS NOT NULL AND {VISIBLE}"
            f" GROUP BY d.location"
        )
    ]
    return sorted(rows, key=lambda r: (-r["deals"], r["name"].casefold()))


def kinds(conn: sqlite3.Connection) -> list[dict]:
    """Every kind of deal `--kind` takes, with what it means and how many deals have it."""
    found = dict(
        conn.execute(f"SELECT d.kind, COUNT(*) FROM deals d WHERE {VISIBLE} GROUP BY d.kind")
    )
    return [
        {"name": kind, "deals": found.get(kind, 0), "meaning": KIND_MEANINGS[kind]}
        for kind in KINDS
    ]


def listing(conn: sqlite3.Connection, what: str) -> list[dict]:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'deals'").fetchone():
        return kinds_without_deals() if what == "kinds" else []
    return {
        "companies": companies,
        "chips": chips,
        "facilities": facilities,
        "locations": locations,
        "kinds": kinds,
    }[what](conn)


def kinds_without_deals() -> list[dict]:
    return [{"name": k, "deals": 0, "meaning": KIND_MEANINGS[k]} for k in KINDS]


# (header, key, width or None for the rest of the line, right-aligned)
_COLUMNS = {
    "companies": (
        ("COMPANY", "name", 28, False),
        ("DEALS", "deals", 5, True),
        ("ROLES", "roles", 26, False),
        ("ALSO NAMED", "aliases", None, False),
    ),
    "chips": (("CHIP", "name", 20, False), ("DEALS", "deals", 5, True), ("GPUS", "gpus", 12, True)),
    "facilities": (
        ("FACILITY", "name", 22, False),
        ("LOCATION", "location", 26, False),
        ("DEALS", "deals", 5, True),
        ("BUILT OR RUN BY", "operators", None, False),
    ),
    "locations": (("LOCATION", "name", 40, False), ("DEALS", "deals", 5, True)),
    "kinds": (
        ("KIND", "name", 11, False),
        ("DEALS", "deals", 5, True),
        ("MEANING", "meaning", None, False),
    ),
}


def _text(value) -> str:
    if value is None or value == []:
        return "-"
    if isinstance(value, list):
        return ", ".join(value)
    return f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)


def _cell(text: str, width: int | None, right: bool) -> str:
    if width is None:
        return text
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.rjust(width) if right else text.ljust(width)


def render(rows: list[dict], what: str, fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    columns = _COLUMNS[what]
    lines = ["  ".join(_cell(h, w, r) for h, _, w, r in columns).rstrip()]
    for row in rows:
        lines.append("  ".join(_cell(_text(row[k]), w, r) for _, k, w, r in columns).rstrip())
    return "\n".join(lines)
