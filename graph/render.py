"""Deals as an 80-column table, JSON, JSON lines or CSV."""

from __future__ import annotations

import csv
import io
import json

from graph.query import FIELDS
from vocab.words import count, money  # noqa: F401 (graph.show imports them from here)

FORMATS = ("table", "json", "jsonl", "csv")
# (header, width, right-aligned): 10+10+24+10+7+6+6 plus six spaces = 79 columns
COLUMNS = (
    ("ID", 10, False),
    ("FIRST", 10, False),
    ("PARTIES", 24, False),
    ("KIND", 10, False),
    ("GPUS", 7, True),
    ("MW", 6, True),
    ("USD", 6, True),
)


def _cell(text: str, width: int, right: bool) -> str:
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.rjust(width) if right else text.ljust(width)


def table(deals: list[dict]) -> str:
    lines = [" ".join(_cell(h, w, r) for h, w, r in COLUMNS).rstrip()]
    for d in deals:
        kind = (d["kind"] or "") + ("!" if d["conflicted"] else "")
        cells = (
            d["id"],
            d["first_reported"],
            ", ".join(d["parties"]),
            kind,
            count(d["gpu_count"]),
            count(d["power_mw"]),
            money(d["value_usd"]),
        )
        lines.append(" ".join(_cell(c, w, r) for c, (_, w, r) in zip(cells, COLUMNS)).rstrip())
    return "\n".join(lines)


def flat(deal: dict) -> dict:
    """One CSV row: lists joined, booleans as true/false, missing values empty."""
    row = {}
    for name in FIELDS:
        value = deal.get(name)
        if isinstance(value, list):
            value = "; ".join(value) if name == "parties" else " ".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        row[name] = "" if value is None else value
    return row


def deals(items: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(items, ensure_ascii=False, indent=2)
    if fmt == "jsonl":
        return "\n".join(json.dumps(d, ensure_ascii=False) for d in items)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat(d) for d in items)
        return out.getvalue().rstrip("\n")
    return table(items)
