"""Which reports describe the same deal, and what a deal of many reports says.

Pure functions over plain `Report` records, so the rules can be read and tested apart from
SQL. Twenty outlets reporting one agreement make one deal; an investment in 2023 and a chip
deal in 2025 between the same companies stay two.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from vocab import FIGURES, STATUS_RANK

WINDOW_DAYS = 365      # reports further apart than this from a deal describe another agreement
CONFLICT_DAYS = 31     # different figures closer than this are a disagreement, not growth
ROUNDING = 0.05        # relative difference still counted as the same figure
FIGURE_RATIO = 5.0     # figures this far apart, reported months apart, are another agreement

_LEGAL = re.compile(r"[,\s]+(inc|corp|corporation|ltd|llc|plc|pbc|co|gmbh|ag|sa)\.?$")
_SPACE = re.compile(r"\s+")


def name_key(name: str) -> str:
    """Case-, space- and legal-suffix-insensitive key of a company, chip or facility name."""
    key = _SPACE.sub(" ", str(name)).strip().casefold().rstrip(".")
    return _LEGAL.sub("", key).strip()


@dataclass
class Report:
    """One deal as one article (one extraction) stated it."""

    doc_id: str
    url: str | None
    reported: str                     # YYYY-MM-DD: article date, else first extraction date
    raw_keys: tuple[str, ...]         # the party names as written, keyed
    kind: str | None = None
    status: str | None = None
    headline: bool = False
    chip: str | None = None
    facility: str | None = None
    location: str | None = None
    figures: dict = field(default_factory=dict)
    roles: dict = field(default_factory=dict)   # company key -> role
    rid: int = 0                                # its row in deal_reports


def number(value) -> float | None:
    """A figure as a number, or None for missing, vague or malformed values."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value and value >= 0 else None
    try:
        parsed = float(str(value).replace(",", ""))
    except ValueError:
        return None
    return parsed if parsed == parsed and parsed >= 0 else None


def _days(a: str, b: str) -> int:
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def _names_agree(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    a, b = name_key(a), name_key(b)
    return a in b or b in a


def _places_agree(a: str, b: str) -> bool:
    """"Abilene, Texas" agrees with "Texas" and with "Abilene"; not with "Reykjanesbaer, Iceland"."""
    parts = [{p.strip() for p in name_key(x).split(",") if p.strip()} for x in (a, b)]
    return bool(parts[0] & parts[1]) or _names_agree(a, b)


def _near(a: float, b: float, ratio: float) -> bool:
    low, high = sorted((a, b))
    return high == 0 or (low > 0 and high / low <= ratio)


def compatible(members: list[Report], report: Report) -> bool:
    """Can `report` be one more account of the deal made of `members`?"""
    kinds = {m.kind for m in members if m.kind and m.kind != "other"}
    if report.kind and report.kind != "other" and kinds and report.kind not in kinds:
        return False
    dates = [m.reported for m in members]
    if min(_days(report.reported, d) for d in dates) > WINDOW_DAYS:
        return False
    for attr in ("chip", "facility"):
        theirs = [getattr(m, attr) for m in members if getattr(m, attr)]
        mine = getattr(report, attr)
        if mine and theirs and not any(_names_agree(mine, t) for t in theirs):
            return False
    if any(_days(report.reported, d) <= CONFLICT_DAYS for d in dates):
        return True  # same parties, same kind, same weeks: one agreement, perhaps disputed
    places = [m.location for m in members if m.location]
    if report.location and places and not any(_places_agree(report.location, p) for p in places):
        return False  # months apart and somewhere else: another site, another agreement
    for name in FIGURES:
        mine = report.figures.get(name)
        theirs = [m.figures[name] for m in members if m.figures.get(name) is not None]
        if mine is not None and theirs and not any(_near(mine, t, FIGURE_RATIO) for t in theirs):
            return False
    return True


def cluster(reports: list[Report]) -> list[list[Report]]:
    """Group reports (in log order) into deals: each joins the first deal it fits."""
    groups: list[list[Report]] = []
    for report in reports:
        for group in groups:
            if compatible(group, report):
                group.append(report)
                break
        else:
            groups.append([report])
    return groups


def deal_id(first: Report) -> str:
    """Stable id from the first report's article, names as written and kind.

    Names as written (not as resolved) keep the id through later alias merges; the article's
    first-extraction position keeps it through re-extraction.
    """
    basis = "\x1f".join([first.doc_id, *sorted(first.raw_keys), first.kind or ""])
    return hashlib.sha256(basis.encode()).hexdigest()[:10]


def _latest(members: list[Report], get) -> tuple:
    """(value, report) of the most recently dated report stating a value; log order breaks ties."""
    best = (None, None)
    for m in members:
        value = get(m)
        if value is not None and value != "" and (best[1] is None
                                                  or m.reported >= best[1].reported):
            best = (value, m)
    return best


def _most_common(values: list) -> str | None:
    values = [v for v in values if v]
    if not values:
        return None
    counts = Counter(values)
    top = max(counts.values())
    return next(v for v in values if counts[v] == top)


def conflicts(members: list[Report]) -> list[tuple[str, Report]]:
    """(figure, report) pairs that disagree beyond rounding with a report close in time."""
    found = []
    for name in FIGURES:
        stated = [m for m in members if m.figures.get(name) is not None]
        for m in stated:
            if any(o is not m and _days(o.reported, m.reported) <= CONFLICT_DAYS
                   and not _near(o.figures[name], m.figures[name], 1 + ROUNDING)
                   for o in stated):
                found.append((name, m))
    return found


def summarise(members: list[Report]) -> dict:
    """The deal row: latest figures, first and last report dates, strongest status."""
    row = {
        "kind": _most_common([m.kind for m in members if m.kind != "other"])
        or _most_common([m.kind for m in members]),
        "status": max((m.status for m in members if m.status),
                      key=lambda s: STATUS_RANK.get(s, 0), default=None),
        "headline": any(m.headline for m in members),
        "first_reported": min(m.reported for m in members),
        "last_reported": max(m.reported for m in members),
        "reports": len(members),
        "sources": len({m.doc_id for m in members}),
    }
    for attr in ("chip", "facility", "location"):
        row[attr] = _latest(members, lambda m: getattr(m, attr))[0]
    for name in FIGURES:
        row[name] = _latest(members, lambda m: m.figures.get(name))[0]
    return row


def roles(members: list[Report], party_keys: list[str]) -> dict[str, str]:
    """Each party's most often stated role; `party` when no report says."""
    return {key: _most_common([m.roles.get(key) for m in members]) or "party"
            for key in party_keys}
