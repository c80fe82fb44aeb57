"""`deals query` and `deals show` as a user runs them: filters, formats, errors, start-up cost."""

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from deal_events import article, deal, extracted

from cli import cli
from store import Store

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]


@pytest.fixture
def filled(db_path):
    with Store(db_path) as store:
        store.append(
            [
                article(
                    "abilene",
                    "2025-01-21",
                    "Stargate begins in Abilene",
                    "OpenAI and Oracle start building the Abilene campus.",
                ),
                extracted(
                    "abilene",
                    deal(
                        "OpenAI",
                        "Oracle",
                        gpu_count=400_000,
                        power_mw=1200,
                        chip="GB200",
                        facility="Stargate Abilene",
                        location="Abilene, Texas",
                        roles={"OpenAI": "buyer", "Oracle": "builder"},
                        evidence="Oracle will build the Abilene site for OpenAI.",
                    ),
                ),
                article("coreweave", "2025-03-10"),
                extracted(
                    "coreweave",
                    deal(
                        "CoreWeave",
                        "OpenAI",
                        value_usd=11.9e9,
                        evidence="OpenAI signed an $11.9 billion contract.",
                    ),
                ),
                article("amd", "2025-10-06"),
                extracted(
                    "amd",
                    deal(
                        "AMD",
                        "OpenAI",
                        kind="chips",
                        power_mw=6000,
                        chip="MI450",
                        evidence="AMD will supply 6 gigawatts of MI450 chips.",
                    ),
                ),
                article("msft", "2023-01-23"),
                extracted(
                    "msft",
                    deal(
                        "Microsoft",
                        "OpenAI",
                        kind="investment",
                        value_usd=10e9,
                        evidence="Microsoft invests $10 billion in OpenAI.",
                    ),
                ),
            ],
            now="2025-10-07T00:00:00+00:00",
        )
        store.append(
            extracted("late", deal("xAI", "NVIDIA", gpu_count=100_000), published="2025-11-01"),
            now="2025-11-02T00:00:00+00:00",
        )
    return db_path


def run(db, *args):
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    return result


def ids(result):
    return [d["id"] for d in json.loads(result.output)]


def parties(result):
    return [d["parties"] for d in json.loads(result.output)]


def test_table_lists_newest_first_and_fits_80_columns(filled):
    result = run(filled, "query")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "FIRST", "PARTIES", "KIND", "GPUS", "MW", "USD"]
    assert [line.split()[1] for line in lines[1:]] == [
        "2025-11-01",
        "2025-10-06",
        "2025-03-10",
        "2025-01-21",
        "2023-01-23",
    ]
    assert max(len(line) for line in lines) <= 80
    assert "400k" in result.output and "$11.9B" in result.output and "6,000" in result.output


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--party", "oracle"], [["OpenAI", "Oracle"]]),
        (["--party", "openai", "--party", "AMD"], [["AMD", "OpenAI"]]),
        (["--chip", "mi450"], [["AMD", "OpenAI"]]),
        (["--facility", "stargate abilene"], [["OpenAI", "Oracle"]]),
        (["--kind", "investment"], [["Microsoft", "OpenAI"]]),
        (["--min-gpus", "200k"], [["OpenAI", "Oracle"]]),
        (["--min-mw", "2000"], [["AMD", "OpenAI"]]),
        (["--min-usd", "11bn"], [["CoreWeave", "OpenAI"]]),
        (
            ["--since", "2025-03-01", "--until", "2025-10-31"],
            [["AMD", "OpenAI"], ["CoreWeave", "OpenAI"]],
        ),
        (["Abilene campus"], [["OpenAI", "Oracle"]]),  # article text
        (["gigawatts"], [["AMD", "OpenAI"]]),  # evidence sentence
        (
            ["--as-of", "2025-10-31", "--kind", "compute"],
            [["CoreWeave", "OpenAI"], ["OpenAI", "Oracle"]],
        ),  # xAI came later
    ],
)
def test_filters(filled, args, expected):
    result = run(filled, "query", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert parties(result) == expected


def test_json_jsonl_and_csv_carry_the_schema_fields_and_sources(filled):
    as_json = json.loads(run(filled, "query", "--party", "Oracle", "--format", "json").output)
    (one,) = as_json
    assert {
        "id",
        "parties",
        "kind",
        "gpu_count",
        "chip",
        "power_mw",
        "value_usd",
        "facility",
        "location",
        "status",
        "headline",
        "first_reported",
        "sources",
    } <= set(one)
    assert one["sources"] == ["https://news.test/abilene"]
    lines = run(filled, "query", "--format", "jsonl").output.splitlines()
    assert len(lines) == 5 and all(json.loads(line)["id"] for line in lines)
    rows = list(csv.DictReader(io.StringIO(run(filled, "query", "--format", "csv").output)))
    abilene = next(r for r in rows if r["facility"])
    assert abilene["parties"] == "OpenAI; Oracle" and abilene["gpu_count"] == "400000"


def test_empty_result_says_so(filled):
    result = run(filled, "query", "--party", "AMD", "--kind", "investment")
    assert result.exit_code == 0
    assert "no deals match" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "2025-02-30"], "--since: '2025-02-30' is not a date"),
        (["--min-gpus", "lots"], "--min-gpus: 'lots' is not a number"),
        (["--as-of", "yesterday"], "--as-of: 'yesterday' is not a date"),
        (["--party", "Orcale"], "did you mean: Oracle"),
        (["--party", "open"], "did you mean: OpenAI?"),  # close and containing: named once
        (["--chip", "MI45"], "did you mean: MI450"),
        (["--kind", "chip"], "did you mean: chips"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(filled, args, message):
    result = run(filled, "query", *args)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")
    assert message in result.output


def test_rejected_deals_leave_queries_and_show_marks_them(filled):
    (target,) = ids(run(filled, "query", "--party", "CoreWeave", "--format", "json"))
    result = run(filled, "reject", target[:6], "--reason", "a rumour")
    assert result.exit_code == 0 and target in result.output
    assert run(filled, "query", "--party", "CoreWeave", "--format", "json").output.strip() == "[]"
    assert ids(run(filled, "query", "--status", "rejected", "--format", "json")) == [target]
    assert "rejected: a rumour" in run(filled, "show", target).output
    assert run(filled, "confirm", target).exit_code == 0
    assert ids(run(filled, "query", "--status", "confirmed", "--format", "json")) == [target]


def test_merge_folds_a_name_and_survives_replay(filled):
    with Store(filled) as store:
        store.append(
            extracted("alias", deal("Open AI", "Oracle", gpu_count=400_000), published="2025-01-22")
        )
    assert (
        len(json.loads(run(filled, "query", "--party", "Oracle", "--format", "json").output)) == 2
    )
    assert run(filled, "merge", "Open AI", "OpenAI").exit_code == 0
    assert run(filled, "replay").exit_code == 0
    (merged,) = json.loads(
        run(filled, "query", "--party", "open ai", "--party", "oracle", "--format", "json").output
    )
    assert merged["parties"] == ["OpenAI", "Oracle"] and merged["reports"] == 2


def test_show_gives_parties_roles_figures_and_evidence(filled):
    (target,) = ids(run(filled, "query", "--facility", "Stargate Abilene", "--format", "json"))
    result = run(filled, "show", target)
    assert result.exit_code == 0
    assert "OpenAI (buyer), Oracle (builder)" in result.output
    assert "accelerators 400k" in result.output
    assert "Oracle will build the Abilene site for OpenAI." in result.output
    assert "2025-01-21  https://news.test/abilene" in result.output
    details = json.loads(run(filled, "show", target, "--json").output)
    assert details["evidence"][0]["text"] == "Oracle will build the Abilene site for OpenAI."


def test_show_lists_a_sentence_an_article_repeats_once(tmp_path):
    said = "Vantage Grid will host 8,000 GPUs for Ardent Labs."
    repeated = dict(
        deal("Vantage Grid", "Ardent Labs", gpu_count=8000),
        evidence=[
            {"text": said, "start": 0, "end": 50, "field": "title"},
            {"text": said, "start": 60, "end": 110},
            {"text": "Delivery starts in May.", "start": 111, "end": 134},
        ],
    )
    db = tmp_path / "deals.db"
    with Store(db) as store:
        store.append([article("grid", "2025-05-02"), extracted("grid", repeated)])
    (target,) = ids(run(db, "query", "--format", "json"))
    evidence = run(db, "show", target).output.split("\nevidence\n", 1)[1]
    assert evidence.splitlines() == [
        "  2025-05-02  https://news.test/grid",
        f'    "{said}"',
        '    "Delivery starts in May."',
    ]


def test_show_unknown_deal_is_one_line(filled):
    result = run(filled, "show", "zzzz")
    assert result.exit_code == 2 and result.output.startswith("error: no deal with id")


def test_query_imports_no_heavy_library(filled):
    """The read path is the sqlite3 module: start-up must not pay for the heavy libraries."""
    script = (
        "import sys\n"
        "from cli import cli\n"
        f"sys.argv = ['deals', 'query', 'Abilene', '--party', 'oracle', '--db', {str(filled)!r}]\n"
        "try:\n    cli(prog_name='deals')\nexcept SystemExit:\n    pass\n"
        f"sys.argv = ['deals', 'show', 'zz', '--db', {str(filled)!r}]\n"
        "try:\n    cli(prog_name='deals')\nexcept SystemExit:\n    pass\n"
        "heavy = {'networkx', 'sqlite_utils', 'spacy', 'scrapy', 'lxml', 'twisted'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert "Oracle" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"
