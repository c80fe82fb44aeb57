"""Dates and counts on the command line: parsed as what they say, never compared as text.

`--since`, `--until` and `--as-of` take YYYY-MM-DD, YYYYMMDD or an ISO timestamp with a time
zone; integer options stop at what SQLite can hold.
"""

import json

import networkx as nx
import pytest
from click.testing import CliRunner
from deal_events import deal, extracted

from cli import cli
from store import Store
from store.errors import ConfigError


@pytest.fixture
def dated(db_path):
    """Deals first reported on 2 and 3 November 2025; the last one recorded late on 1 January."""
    with Store(db_path) as store:
        store.append(
            extracted("a", deal("Meta", "Google"), published="2025-11-02"),
            now="2025-12-31T12:00:00+00:00",
        )
        store.append(
            extracted("b", deal("Meta", "Oracle"), published="2025-11-03"),
            now="2026-01-01T23:00:00+00:00",
        )
        store.append(
            extracted("c", deal("Meta", "AMD"), published="2025-11-04"),
            now="2026-01-02T01:00:00+00:00",
        )
    return db_path


def run(db, *args):
    return CliRunner().invoke(cli, [*args, "--db", str(db)])


def partners(db, *args):
    result = run(db, "query", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return sorted(p for d in json.loads(result.output) for p in d["parties"] if p != "Meta")


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--since", "20251103"], ["AMD", "Oracle"]),
        (["--since", "2025-11-03"], ["AMD", "Oracle"]),
        (["--since", "2025-11-03T00:00:00+00:00"], ["AMD", "Oracle"]),
        (["--until", "20251102"], ["Google"]),
        (["--until", "2025-11-02"], ["Google"]),
        (["--until", "20251103"], ["Google", "Oracle"]),
        (["--since", "20251103", "--until", "20251103"], ["Oracle"]),
        (["--as-of", "20260101"], ["Google", "Oracle"]),
        (["--as-of", "2026-01-01"], ["Google", "Oracle"]),
        (["--as-of", "20251231"], ["Google"]),
        (["--as-of", "2026-01-01T12:00:00Z"], ["Google"]),
        (["--as-of", "2026-01-01T23:00:00+00:00"], ["Google", "Oracle"]),
        (["--as-of", "2026-01-01T20:00:00-05:00"], ["AMD", "Google", "Oracle"]),  # 01:00 UTC
        (["--as-of", "2026-01-02T02:00:00+01:00"], ["AMD", "Google", "Oracle"]),
        (["--as-of", "2026-01-02T01:59:59+01:00"], ["Google", "Oracle"]),
    ],
)
def test_dates_are_parsed_not_compared_as_text(dated, args, expected):
    assert partners(dated, *args) == expected


def test_every_date_option_takes_both_day_forms(dated, tmp_path):
    for form in ("20260101", "2026-01-01"):
        out = tmp_path / f"{form}.graphml"
        result = run(dated, "export", "--companies-only", "--as-of", form, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert set(nx.read_graphml(out).nodes) == {
            "company:meta",
            "company:google",
            "company:oracle",
        }
        top = run(dated, "graph", "top", "--as-of", form)
        assert top.output.splitlines()[1].split()[:2] == ["Meta", "2"]
        near = run(dated, "graph", "neighbors", "Meta", "--as-of", form).output
        assert "Oracle" in near and "AMD" not in near
        assert run(dated, "graph", "path", "Google", "Oracle", "--as-of", form).exit_code == 0
        deal_id = json.loads(run(dated, "query", "--party", "Oracle", "--format", "json").output)[
            0
        ]["id"]
        assert run(dated, "show", deal_id, "--as-of", form).exit_code == 0
        assert run(dated, "show", deal_id, "--as-of", "20251231").exit_code != 0


BAD = [
    "2025-13-45",
    "yesterday",
    "20251345",
    "2025-11-03T10:00:00",
    "2025-11",
    "2025-W45-1",
    "",
    "2025-11-03 junk",
]
DATE_OPTIONS = [
    ["query", "--since"],
    ["query", "--until"],
    ["query", "--as-of"],
    ["show", "x", "--as-of"],
    ["export", "--as-of"],
    ["graph", "neighbors", "Meta", "--as-of"],
    ["graph", "path", "Meta", "AMD", "--as-of"],
    ["graph", "top", "--as-of"],
]


@pytest.mark.parametrize("command", DATE_OPTIONS, ids=" ".join)
@pytest.mark.parametrize("text", BAD)
def test_bad_date_names_option_and_formats(dated, command, text):
    result = run(dated, *command, text)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")
    option = command[-1]
    assert f"{option}: {text!r} is not a date" in result.output
    assert "YYYY-MM-DD" in result.output and "YYYYMMDD" in result.output
    assert "time zone" in result.output


def test_parse_date_gives_utc_start_or_end_of_day():
    from graph.view import parse_date

    assert parse_date("20251103", "--since") == "2025-11-03T00:00:00.000000+00:00"
    assert parse_date("2025-11-03", "--until", end_of_day=True) == (
        "2025-11-03T23:59:59.999999+00:00"
    )
    assert parse_date("2025-11-03T10:00:00+02:00", "--as-of", end_of_day=True) == (
        "2025-11-03T08:00:00.000000+00:00"
    )
    assert parse_date(None, "--as-of") is None
    for text in ("2025-02-29", "9999-12-31T23:00:00-05:00"):  # no such day; past year 9999
        with pytest.raises(ConfigError, match="is not a date"):
            parse_date(text, "--since")


INT64 = 2**63 - 1
HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--limit", HUGE],
        ["query", "--limit", str(INT64 + 1)],
        ["graph", "top", "--limit", "1e20"],
        ["graph", "top", "--limit", HUGE],
        ["events", "--tail", HUGE],
        ["events", "--after", HUGE],
        ["graph", "neighbors", "Meta", "--depth", HUGE],
        ["status", "--silent-after", HUGE],
    ],
)
def test_integer_past_int64_is_a_usage_error(dated, args):
    result = run(dated, *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output
    assert result.output.startswith("error: invalid value for") and result.output.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--limit", str(INT64)],
        ["graph", "top", "--limit", str(INT64)],
        ["events", "--tail", str(INT64)],
        ["events", "--after", str(INT64)],
    ],
)
def test_largest_int64_still_works(dated, args):
    result = run(dated, *args)
    assert result.exit_code == 0, result.output
