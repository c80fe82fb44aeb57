"""Which reports describe the same deal, and what a deal of many reports says.

Pure functions over plain `Report` records, so the rules can be read and tested apart from
SQL. Twenty outlets reporting one agreement make one deal; an investment in 2023 and a chip
deal in 2025 between the same companies stay two.

Whether two reports of the same companies are one agreement is a decision that combines cues
(days apart, each figure, kind, chip, place, roles, wording that says a deal was changed or
that it is a new one). The cues are the named features of `features`; their weights are
fitted on labelled invented report pairs (`data/same_agreement_pairs.jsonl`, refitted by
`benchmarks/fit_same_agreement.py`) and read from `data/same_agreement.json`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vocab import FIGURES, STATUS_RANK

CONFLICT_DAYS = 31  # different figures closer than this are a disagreement, not growth
ROUNDING = 0.05  # relative difference still counted as the same figure
YEAR_SCALE = math.log1p(365)
WEIGHTS_FILE = Path(__file__).with_name("data") / "same_agreement.json"

_LEGAL = re.compile(r"[,\s]+(inc|corp|corporation|ltd|llc|plc|pbc|co|gmbh|ag|sa)\.?$")
_SPACE = re.compile(r"\s+")
_AGREEMENT = (
    r"(deal|agreement|contract|order|purchase|partnership|commitment|pact|"
    r"arrangement|lease|tranche|phase)"
)
_CHANGED = (
    r"amend(s|ed|ing)?|expand(s|ed|ing)?|increas(e|es|ed|ing)|rais(e|es|ed|ing)|"
    r"upsiz(e|es|ed|ing)|extend(s|ed|ing)?|revis(e|es|ed|ing)|boost(s|ed|ing)?|"
    r"enlarg(e|es|ed|ing)|top(s|ped)? up|doubl(e|es|ed|ing)|tripl(e|es|ed|ing)|grow(s|n)?"
)
REVISION_WORDS = re.compile(  # a verb of change about an agreement or a new total
    rf"\b({_CHANGED})\b[^.;]{{0,60}}?(\b{_AGREEMENT}s?\b|\b(capacity|cluster|deployment|"
    rf"supply|campus)\b|\bto\s+[$\d])|\b(amendment|expansion|up from|now worth|now covers|"
    rf"bring(s|ing)? the total)\b",
    re.IGNORECASE,
)
NEW_DEAL_WORDS = re.compile(
    rf"\b(second|third|another|additional|new|separate|fresh|follow-on|follow-up)[,\s]+"
    rf"([\w$.,-]+\s+){{0,3}}{_AGREEMENT}s?\b|\b(on top of|in addition to|separately)\b",
    re.IGNORECASE,
)


def name_key(name: str) -> str:
    """Case-, space- and legal-suffix-insensitive key of a company, chip or facility name."""
    key = _SPACE.sub(" ", str(name)).strip().casefold().rstrip(".")
    return _LEGAL.sub("", key).strip()


@dataclass
class Report:
    """One deal as one article (one extraction) stated it."""

    doc_id: str
    url: str | None
    reported: str  # YYYY-MM-DD: article date, else first extraction date
    raw_keys: tuple[str, ...]  # the party names as written, keyed
    kind: str | None = None
    status: str | None = None
    headline: bool = False
    chip: str | None = None
    facility: str | None = None
    location: str | None = None
    figures: dict = field(default_factory=dict)
    roles: dict = field(default_factory=dict)  # company key -> role
    rid: int = 0  # its row in deal_reports
    text: str = ""  # its evidence sentences
    party_key: str = ""  # the resolved companies it names
    uid: str = ""  # its lineage: kept through re-extraction
    pin: str | None = None  # the deal a person tied it to
    previous: str | None = None  # the deal it belonged to before this change
    home: str | None = None  # the first deal it belonged to
    idx: int = 0  # its place among its article's reports
    cohort: str | None = None  # the `deals run` that first stated it
    confidence: float | None = None  # the extractor's probability that it is a deal


def probability(value) -> float | None:
    """A confidence as a number from 0 to 1, or None for missing or malformed values."""
    p = number(value)
    return p if p is not None and 0.0 <= p <= 1.0 else None


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
    """ "Abilene, Texas" agrees with "Texas" and with "Abilene"; not with
    "Reykjanesbaer, Iceland"."""
    parts = [{p.strip() for p in name_key(x).split(",") if p.strip()} for x in (a, b)]
    return bool(parts[0] & parts[1]) or _names_agree(a, b)


def _near(a: float, b: float, ratio: float) -> bool:
    low, high = sorted((a, b))
    return high == 0 or (low > 0 and high / low <= ratio)


# -- the same-agreement decision -------------------------------------------------------------

FEATURES = (
    "days",
    "kind_same",
    "kind_differs",
    "gpu_count",
    "power_mw",
    "value_usd",
    "chip_same",
    "chip_differs",
    "place_same",
    "place_differs",
    "roles_same",
    "roles_differ",
    "new_amount_later",
    "revision_words",
    "new_deal_words",
)
FEATURE_MEANINGS = {
    "days": "days between the reports, log scale: 0 the same day, 1 a year apart",
    "kind_same": "both state the same kind (neither unknown nor other)",
    "kind_differs": "both state a kind, and they differ",
    "gpu_count": "+1 the same accelerator count (within 5 %), -1 different, 0 not both stated",
    "power_mw": "the same for megawatts",
    "value_usd": "the same for the value in US dollars",
    "chip_same": "both name the accelerator, the same one",
    "chip_differs": "both name an accelerator, different ones",
    "place_same": "both name the facility (else the location), the same one",
    "place_differs": "both name a facility (else a location), different ones",
    "roles_same": "every party named in both has the same role in both",
    "roles_differ": "a party has another role in the other report (who buys from whom)",
    "new_amount_later": "figures that differ, times the days feature: a new amount months later",
    "revision_words": "the later report says an agreement was amended, expanded, raised ..."
    " (and does not call it a second or new one)",
    "new_deal_words": "the later report says second, another, additional or new deal",
}
# Agreement and disagreement of a named thing are separate cues: the same site is weak
# evidence of one agreement (follow-ons happen there), another site is strong evidence of two.


def _agree(same: bool | None) -> float:
    return 0.0 if same is None else (1.0 if same else -1.0)


def _both(out: dict, name: str, same: bool | None) -> None:
    out[f"{name}_same"], out[f"{name}_differs"] = float(same is True), float(same is False)


def _place(a: Report, b: Report) -> bool | None:
    if a.facility and b.facility:
        return _names_agree(a.facility, b.facility)
    if a.location and b.location:
        return _places_agree(a.location, b.location)
    return None


def _roles(a: Report, b: Report) -> bool | None:
    shared = [k for k in a.roles if k in b.roles and a.roles[k] and b.roles[k]]
    if not shared:
        return None
    return all(a.roles[k] == b.roles[k] for k in shared)


def features(a: Report, b: Report) -> dict[str, float]:
    """The named cues of whether reports `a` and `b` (of the same companies) are one agreement."""
    days = _days(a.reported, b.reported)
    spread = min(math.log1p(days) / YEAR_SCALE, 1.5)
    kinds = {a.kind, b.kind}
    out = {"days": spread}
    _both(out, "kind", None if None in kinds or "other" in kinds else a.kind == b.kind)
    differ = 0
    for name in FIGURES:
        x, y = a.figures.get(name), b.figures.get(name)
        out[name] = 0.0 if x is None or y is None else _agree(_near(x, y, 1 + ROUNDING))
        differ += out[name] < 0
    _both(out, "chip", _names_agree(a.chip, b.chip) if a.chip and b.chip else None)
    _both(out, "place", _place(a, b))
    same_roles = _roles(a, b)
    out["roles_same"], out["roles_differ"] = float(same_roles is True), float(same_roles is False)
    out["new_amount_later"] = differ * spread
    if a.reported == b.reported:
        texts = [a.text, b.text]
    else:
        texts = [max((a, b), key=lambda r: r.reported).text]
    new_deal = any(NEW_DEAL_WORDS.search(t or "") for t in texts)
    out["revision_words"] = float(
        not new_deal and any(REVISION_WORDS.search(t or "") for t in texts)
    )
    out["new_deal_words"] = float(new_deal)
    return out


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    intercept: float
    threshold: float = 0.5

    def probability(self, a: Report, b: Report) -> float:
        found = features(a, b)
        score = self.intercept + sum(self.weights.get(n, 0.0) * v for n, v in found.items())
        return 1.0 / (1.0 + math.exp(-max(min(score, 50.0), -50.0)))


def load_model(path: Path = WEIGHTS_FILE) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(
        {n: float(w) for n, w in data["weights"].items()},
        float(data["intercept"]),
        float(data.get("threshold", 0.5)),
    )


_MODEL: list[Model] = []


def fitted() -> Model:
    """The shipped model, read once."""
    if not _MODEL:
        _MODEL.append(load_model())
    return _MODEL[0]


def same_agreement(a: Report, b: Report, model: Model | None = None) -> float:
    """The probability that `a` and `b` report one agreement."""
    return (model or fitted()).probability(a, b)


def cluster(reports: list[Report], model: Model | None = None) -> list[list[Report]]:
    """Group reports (in date order) into deals.

    Reports a person tied to a deal (`pin`) start that deal's group whatever the model says;
    every other report joins the group holding the report of the same companies it most
    probably reports the same agreement as, when that probability reaches the threshold, else
    starts a group of its own. Groups tied to different deals never join. The result depends
    on the reports and the ties only, never on the order they arrived in.
    """
    model = model or fitted()
    groups: list[list[Report]] = []
    pinned: dict[str, list[Report]] = {}
    for report in reports:
        if report.pin is not None:
            if report.pin not in pinned:
                pinned[report.pin] = []
                groups.append(pinned[report.pin])
            pinned[report.pin].append(report)
    for report in reports:
        if report.pin is not None:
            continue
        best, chosen = model.threshold, None
        for group in groups:
            for member in group:
                if member.party_key != report.party_key:
                    continue
                p = model.probability(member, report)
                if p >= best and (chosen is None or p > best):
                    best, chosen = p, group
        if chosen is None:
            groups.append([report])
        else:
            chosen.append(report)
    return groups


def content_id(first: Report) -> str:
    """The id a report founds a deal under: its article, names as written and kind, hashed.

    Names as written (not as resolved) make it independent of later alias merges. It is
    computed once, when the deal is first seen, and kept from then on (see identity.py).
    """
    basis = "\x1f".join([first.doc_id, *sorted(first.raw_keys), first.kind or ""])
    return hashlib.sha256(basis.encode()).hexdigest()[:10]


def _latest(members: list[Report], get) -> tuple:
    """(value, report) of the most recently dated report stating a value; log order breaks ties."""
    best = (None, None)
    for m in members:
        value = get(m)
        if (
            value is not None
            and value != ""
            and (best[1] is None or m.reported >= best[1].reported)
        ):
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
            if any(
                o is not m
                and _days(o.reported, m.reported) <= CONFLICT_DAYS
                and not _near(o.figures[name], m.figures[name], 1 + ROUNDING)
                for o in stated
            ):
                found.append((name, m))
    return found


def summarise(members: list[Report]) -> dict:
    """The deal row: latest figures, first and last report dates, strongest status."""
    row = {
        "kind": _most_common([m.kind for m in members if m.kind != "other"])
        or _most_common([m.kind for m in members]),
        "status": max(
            (m.status for m in members if m.status),
            key=lambda s: STATUS_RANK.get(s, 0),
            default=None,
        ),
        "headline": any(m.headline for m in members),
        "first_reported": min(m.reported for m in members),
        "last_reported": max(m.reported for m in members),
        "reports": len(members),
        "sources": len({m.doc_id for m in members}),
        # the surest report's: one article that states it plainly is enough
        "confidence": max(
            (m.confidence for m in members if m.confidence is not None), default=None
        ),
    }
    for attr in ("chip", "facility", "location"):
        row[attr] = _latest(members, lambda m: getattr(m, attr))[0]
    for name in FIGURES:
        row[name] = _latest(members, lambda m: m.figures.get(name))[0]
    return row


def roles(members: list[Report], party_keys: list[str]) -> dict[str, str]:
    """Each party's most often stated role; `party` when no report says."""
    return {key: _most_common([m.roles.get(key) for m in members]) or "party" for key in party_keys}
