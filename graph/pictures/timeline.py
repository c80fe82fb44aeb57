"""Announced capacity per quarter: megawatts, accelerators or dollars in the deals first
reported in each quarter, stacked by kind or drawn as one line per party."""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from vocab import KINDS, UNITS

MEASURES = {"mw": "power_mw", "gpus": "gpu_count", "usd": "value_usd"}
BY = ("kind", "party")
TOP_PARTIES = 8


def quarter(day: str) -> str:
    return f"{day[:4]} Q{(int(day[5:7]) - 1) // 3 + 1}"


def _quarters(first: str, last: str) -> list[str]:
    year, q = int(first[:4]), int(first[-1])
    out = []
    while f"{year} Q{q}" <= last:
        out.append(f"{year} Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def series(
    conn: sqlite3.Connection, by: str = "kind", measure: str = "mw"
) -> tuple[list[str], dict[str, list[float]]]:
    """(quarters, group -> one total per quarter), quarters without deals included as zeros.

    By party, a deal counts for each of its parties (the lines are not to be added up); only
    the parties with the largest totals get a line."""
    column = MEASURES[measure]
    if by == "kind":
        rows = conn.execute(
            f"SELECT first_reported, COALESCE(kind, 'other'), {column} FROM deals"
            f" WHERE curation IS NOT 'rejected' AND {column} > 0"
        )
    else:
        rows = conn.execute(
            f"SELECT d.first_reported, c.name, d.{column} FROM deals d"
            " JOIN deal_parties p ON p.deal_id = d.id JOIN companies c ON c.key = p.company_key"
            f" WHERE d.curation IS NOT 'rejected' AND d.{column} > 0"
        )
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for day, group, value in rows:
        totals[group][quarter(day)] += value
    if not totals:
        return [], {}
    seen = sorted({q for per in totals.values() for q in per})
    quarters = _quarters(seen[0], seen[-1])
    if by == "kind":
        groups = [k for k in KINDS if k in totals] + sorted(set(totals) - set(KINDS))
    else:
        groups = sorted(totals, key=lambda g: (-sum(totals[g].values()), g))[:TOP_PARTIES]
    return quarters, {g: [totals[g].get(q, 0.0) for q in quarters] for g in groups}


LABELS = {
    "mw": f"power ({UNITS['power_mw']})",
    "gpus": f"{UNITS['gpu_count']}",
    "usd": f"value ({UNITS['value_usd']})",
}


def draw(quarters: list[str], groups: dict[str, list[float]], by: str, measure: str):
    """A matplotlib Figure: stacked bars by kind, or one line per party."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(max(8.0, 0.55 * len(quarters) + 3), 5.2), layout="constrained")
    ax = figure.add_subplot()
    ax.set_title(f"Announced {LABELS[measure]} per quarter, by {by}", loc="left", fontsize=13)
    if not quarters:
        ax.text(0.5, 0.5, "no deals state this figure", ha="center", va="center")
        ax.set_axis_off()
        return figure
    x = list(range(len(quarters)))
    scale = 1e6 if measure == "mw" else 1.0  # megawatts drawn as watts: the axis reads 1 GW
    if by == "kind":
        bottom = [0.0] * len(quarters)
        for i, (group, values) in enumerate(groups.items()):
            values = [v * scale for v in values]
            ax.bar(x, values, bottom=bottom, label=group, color=f"C{i % 10}", width=0.75)
            bottom = [b + v for b, v in zip(bottom, values)]
    else:
        for i, (group, values) in enumerate(groups.items()):
            ax.plot(
                x,
                [v * scale for v in values],
                marker="o",
                label=group,
                color=f"C{i % 10}",
                linewidth=1.8,
            )
    ax.set_xticks(x, quarters, rotation=45, ha="right")
    ax.yaxis.set_major_formatter(_formatter(measure))
    ax.set_ylabel(LABELS[measure])
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=9, ncols=2 if len(groups) > 5 else 1)
    return figure


def _formatter(measure: str):
    from matplotlib.ticker import EngFormatter, FuncFormatter

    if measure == "usd":
        from graph.render import money

        return FuncFormatter(lambda value, _: money(value) if value else "$0")
    return EngFormatter(unit="W" if measure == "mw" else "", sep=" ")
