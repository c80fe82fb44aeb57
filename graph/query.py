"""`deals query`: deals matching every filter, read with the standard sqlite3 module only.

This module (and everything it imports) must stay free of networkx, sqlite-utils, spaCy and
Scrapy: `deals query` is a whole process a user waits for.
"""

from __future__ import annotations

import json
import re
import shlex
import sqlite3
from dataclasses import dataclass, field

from graph import names
from graph.view import parse_date
from store.errors import ConfigError
from vocab import CURATION_MARKS, DEAL_COLUMNS, KINDS
from vocab import STATUSES as REPORTED_STATUSES

STATUSES = REPORTED_STATUSES + CURATION_MARKS
COLUMNS = (*DEAL_COLUMNS, "edited")  # read from `deals`
FIELDS = (*COLUMNS, "sources", "former_ids")
_SCALE = {"": 1, "k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12}
_INT64 = 2**63 - 1
# A deal the extractor is at least ? sure of, or one a person confirmed (deals alias `d`)
SURE_ENOUGH = "(d.confidence >= ? OR d.curation IS 'confirmed')"
_NUMBER = re.compile(r"^\$?\s*([0-9][0-9,]*\.?[0-9]*)\s*([a-z]*)$")


def parse_number(text: str | None, option: str) -> float | None:
    """'250000', '250k', '1.5M', '$38bn' -> a number; anything else is a one-line error."""
    if text is None:
        return None
    match = _NUMBER.match(text.strip().lower())
    if not match or match.group(2) not in _SCALE:
        raise ConfigError(f"{option}: {text!r} is not a number (e.g. 50000, 50k, 1.5M, 2bn)")
    try:
        return float(match.group(1).replace(",", "")) * _SCALE[match.group(2)]
    except ValueError:
        raise ConfigError(f"{option}: {text!r} is not a number") from None


def parse_probability(text: str | None, option: str) -> float | None:
    """'0.9' -> 0.9; anything but a number from 0 to 1 is a one-line error."""
    if text is None:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{option}: {text!r} is not a number from 0 to 1 (e.g. 0.9)")
    return value


def _choice(value: str | None, allowed: tuple[str, ...], option: str) -> str | None:
    if value is None or value.lower() in allowed:
        return value and value.lower()
    raise names.suggest(option.lstrip("-"), value, list(allowed))


@dataclass
class Filters:
    text: str | None = None
    parties: list[str] = field(default_factory=list)
    facility: str | None = None
    chip: str | None = None
    location: str | None = None  # a place: the whole location or one of its parts
    kind: str | None = None
    status: str | None = None
    min_gpus: float | None = None
    min_mw: float | None = None
    min_usd: float | None = None
    min_confidence: float | None = None  # 0 to 1; a deal a person confirmed always passes
    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None  # YYYY-MM-DD, inclusive
    limit: int = 100

    @classmethod
    def parse(
        cls,
        *,
        text=None,
        parties=(),
        facility=None,
        chip=None,
        location=None,
        kind=None,
        status=None,
        min_gpus=None,
        min_mw=None,
        min_usd=None,
        min_confidence=None,
        since=None,
        until=None,
        limit=100,
    ):
        """Validate raw option strings; bad dates, numbers or choices raise one-line errors."""
        return cls(
            text or None,
            list(parties),
            facility,
            chip,
            location,
            _choice(kind, KINDS, "--kind"),
            _choice(status, STATUSES, "--status"),
            parse_number(min_gpus, "--min-gpus"),
            parse_number(min_mw, "--min-mw"),
            parse_number(min_usd, "--min-usd"),
            parse_probability(min_confidence, "--min-confidence"),
            _day(since, "--since"),
            _day(until, "--until", end_of_day=True),
            limit,
        )


def _day(text: str | None, option: str, *, end_of_day: bool = False) -> str | None:
    """The UTC day (YYYY-MM-DD) a date option names, to compare with `first_reported`."""
    moment = parse_date(text, option, end_of_day=end_of_day)
    return moment and moment[:10]


# A deal's location as ", part, part,", so that one LIKE (ASCII case-insensitive) finds a
# whole part: "Abilene, Texas" is found by "abilene", "Texas" and "abilene, texas", not "Tex".
_PLACE_PARTS = "(', ' || replace(replace(d.location, ', ', ','), ',', ', ') || ',')"


def _like(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


def location_pattern(conn: sqlite3.Connection, place: str) -> str:
    """The LIKE pattern of `place` as a whole location or one of its comma-separated parts;
    a place no deal is at is a one-line error naming the closest known places."""
    wanted = ", ".join(part.strip() for part in place.split(",") if part.strip())
    pattern = f"%, {_like(wanted)},%"
    found = conn.execute(
        f"SELECT 1 FROM deals d WHERE {_PLACE_PARTS} LIKE ? ESCAPE '\\' LIMIT 1", (pattern,)
    ).fetchone()
    if found or not wanted:
        return pattern
    known = sorted(
        {
            part.strip()
            for (loc,) in conn.execute(
                "SELECT DISTINCT location FROM deals WHERE location IS NOT NULL"
            )
            for part in [loc, *loc.split(",")]
            if part.strip()
        }
    )
    raise names.suggest("location", place, known)


def facility_value(conn: sqlite3.Connection, name: str) -> str:
    """A facility a deal names; a miss that is a place says to use --location instead."""
    try:
        return names.deal_column_value(conn, "facility", name)
    except names.UnknownName as miss:
        try:
            location_pattern(conn, name)
        except names.UnknownName:
            raise miss from None
        raise names.UnknownName(
            f"{miss}; {name} is a place deals are at: use --location {shlex.quote(name)}"
        ) from None


def fts_query(text: str) -> str:
    """Words of free text as an FTS5 query that all must match (no FTS syntax leaks through)."""
    words = re.findall(r"\w+", text)
    if not words:
        raise ConfigError(f"search text {text!r} has no words to look for")
    return " ".join(f'"{w}"' for w in words)


def _where(conn: sqlite3.Connection, f: Filters) -> tuple[list[str], list]:
    where, params = [], []
    if f.status in ("rejected", "confirmed"):
        where.append("d.curation = ?")
        params.append(f.status)
    else:
        where.append("d.curation IS NOT 'rejected'")
        if f.status:
            where.append("d.status = ?")
            params.append(f.status)
    for party in f.parties:
        where.append("d.id IN (SELECT deal_id FROM deal_parties WHERE company_key = ?)")
        params.append(names.company_key(conn, party))
    if f.facility:
        where.append("d.facility = ? COLLATE NOCASE")
        params.append(facility_value(conn, f.facility))
    if f.chip:
        where.append("d.chip = ? COLLATE NOCASE")
        params.append(names.deal_column_value(conn, "chip", f.chip))
    if f.location:
        where.append(f"{_PLACE_PARTS} LIKE ? ESCAPE '\\'")
        params.append(location_pattern(conn, f.location))
    for column, op, value in (
        ("kind", "=", f.kind),
        ("gpu_count", ">=", f.min_gpus),
        ("power_mw", ">=", f.min_mw),
        ("value_usd", ">=", f.min_usd),
        ("first_reported", ">=", f.since),
        ("first_reported", "<=", f.until),
    ):
        if value is not None:
            where.append(f"d.{column} {op} ?")
            params.append(value)
    if f.min_confidence is not None:
        where.append(SURE_ENOUGH)
        params.append(f.min_confidence)
    if f.text:
        where.append(
            "d.id IN (SELECT deal_id FROM deal_reports WHERE rid IN (SELECT rowid FROM"
            " deal_reports_fts WHERE deal_reports_fts MATCH ?) UNION SELECT r.deal_id FROM"
            " deal_reports r JOIN deal_docs dd ON dd.doc_id = r.doc_id JOIN articles a"
            " ON a.url = dd.url WHERE a.id IN (SELECT rowid FROM articles_fts"
            " WHERE articles_fts MATCH ?))"
        )
        params += [fts_query(f.text)] * 2
    return where, params


def find_deals(conn: sqlite3.Connection, f: Filters) -> tuple[list[dict], bool]:
    """Deals matching all filters, newest first; and whether more than `limit` matched."""
    where, params = _where(conn, f)
    sql = (
        f"SELECT {', '.join('d.' + c for c in COLUMNS)} FROM deals d"
        f" WHERE {' AND '.join(where)} ORDER BY d.first_reported DESC, d.id"
    )
    if f.limit:  # one more row tells whether there are more; SQLite holds at most 2**63-1
        sql += f" LIMIT {min(int(f.limit), _INT64 - 1) + 1}"
    rows = conn.execute(sql, params).fetchall()
    more = bool(f.limit) and len(rows) > f.limit
    deals = [as_dict(row) for row in rows[: f.limit or None]]
    attach_sources(conn, deals)
    attach_former_ids(conn, deals)
    return deals, more


def as_dict(row) -> dict:
    deal = dict(zip(COLUMNS, row))
    deal["parties"] = json.loads(deal["parties"])
    deal["headline"] = bool(deal["headline"])
    deal["conflicted"] = bool(deal["conflicted"])
    deal["edited"] = json.loads(deal["edited"]) if deal.get("edited") else []
    return deal


def former_ids(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Deal id -> the ids of deals that were merged into it (directly or not), which resolve
    to it. An id a run gave a deal before an earlier report of the same run arrived is not
    one: it never named another deal."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'deal_ids'").fetchone():
        return {}
    into, provisional = {}, set()
    for ident, target, how in conn.execute(
        "SELECT id, into_id, how FROM deal_ids WHERE state = 'merged'"
    ):
        into[ident] = target
        if how == "run":
            provisional.add(ident)
    found: dict[str, list[str]] = {}
    for old in sorted(into.keys() - provisional):
        target, hops = into[old], 0
        while target in into and hops < 64:
            target, hops = into[target], hops + 1
        found.setdefault(target, []).append(old)
    return found


def attach_former_ids(conn: sqlite3.Connection, deals: list[dict]) -> None:
    known = former_ids(conn) if deals else {}
    for d in deals:
        d["former_ids"] = known.get(d["id"], [])


def attach_sources(conn: sqlite3.Connection, deals: list[dict]) -> None:
    by_id = {d["id"]: d for d in deals}
    for d in deals:
        d["sources"] = []
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for deal, url, _ in conn.execute(
            f"SELECT DISTINCT r.deal_id, COALESCE(dd.url, dd.doc_id) AS url,"
            f" COALESCE(da.published, dd.published, dd.extracted_on) AS reported"
            f" FROM deal_reports r JOIN deal_docs dd ON dd.doc_id = r.doc_id"
            f" LEFT JOIN deal_articles da ON da.url = dd.url"
            f" WHERE r.deal_id IN ({','.join('?' * len(chunk))})"
            f" ORDER BY r.deal_id, reported, url",
            chunk,
        ):
            by_id[deal]["sources"].append(url)
