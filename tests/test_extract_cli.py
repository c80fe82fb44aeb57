"""`deals extract-text`, `deals eval` and `deals extract` as a user runs them."""

import importlib.util
import json

import pytest
from click.testing import CliRunner
from extract_support import SHARED, dev_set_or_skip

from cli import cli
from store import NewEvent, Store

pytestmark = pytest.mark.slow

DOC = {
    "doc_id": "a1",
    "title": "Lattice Compute signs $4 billion deal with Anthropic",
    "published": "2026-01-05",
    "text": "Lattice Compute signed a $4 billion agreement to provide Anthropic with 40,000 Nvidia H200 GPUs.",
}

# The level the composed dev set reached with the fitted decisions (in-sample: it is part of
# their training data); raise F1 as the extractor improves, never lower it. Field accuracies
# are over the deals matched, so a deal newly found with one field wrong can lower one a
# little, and precision moves by 0.012 when one of some 70 candidates crosses the keep
# threshold in a refit. Power moves most: its fitted threshold (the one that scores best on
# all the training articles, real news foremost) lands between 0.21 and 0.37 from refit to
# refit, and the set holds two amounts whose probability sits in that band, so power reads
# 0.88 to 0.93 with the same rules. The real-news out-of-fold figures are in
# docs/EXTRACTION.md.
DEV_FLOOR = {"f1": 0.92, "precision": 0.93, "recall": 0.90}
DEV_FIELD_FLOOR = {
    "gpu_count": 0.84,
    "power_mw": 0.87,
    "value_usd": 0.94,
    "chip": 0.91,
    "facility": 0.78,
    "location": 0.80,
    "kind": 0.91,
    "status": 0.96,
}


def invoke(args, stdin=None):
    return CliRunner().invoke(cli, args, input=stdin)


def test_extract_text_jsonl():
    result = invoke(
        ["extract-text"], json.dumps(DOC) + "\n" + json.dumps(dict(DOC, doc_id="a2")) + "\n"
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["doc_id"] for line in lines] == ["a1", "a2"]
    deal = lines[0]["deals"][0]
    assert deal["parties"] == ["Anthropic", "Lattice Compute"] and deal["gpu_count"] == 40000
    assert set(lines[0]) == {"doc_id", "deals", "entities", "figures"}
    assert deal["evidence"][0]["text"]
    # how sure the keep decision is: a deal it keeps is at least as likely as not
    assert 0.5 <= deal["confidence"] <= 1.0


def test_extract_text_plain_text():
    result = invoke(["extract-text"], DOC["text"] + "\n")
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in result.output.splitlines()]
    assert line["doc_id"] == "stdin" and line["deals"][0]["value_usd"] == 4_000_000_000


@pytest.mark.parametrize(
    "stdin,message",
    [
        ('{"doc_id": "x", "text": "ok"}\n{not json\n', "line 2: not valid JSON"),
        ('{"doc_id": "x"}\n', 'line 1: a document needs a string "text"'),
        ('{"doc_id": "x", "text": 5}\n', 'line 1: a document needs a string "text"'),
        ("", "no input on stdin"),
        (
            '{"doc_id": "x", "text": "ok"}\n'.encode() + '{"text": "Caf\u00e9"}\n'.encode("cp1252"),
            "line 2: not UTF-8 (byte 0xE9 at column 14)",
        ),
        ("Caf\u00e9 society\n".encode("latin-1"), "line 1: not UTF-8 (byte 0xE9 at column 4)"),
    ],
)
def test_extract_text_bad_input(stdin, message):
    result = invoke(["extract-text"], stdin)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(f"error: {message}")
    assert "Traceback" not in result.output


def test_extract_text_reads_utf8_with_a_byte_order_mark():
    result = invoke(["extract-text"], b"\xef\xbb\xbf" + json.dumps(DOC).encode() + b"\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["doc_id"] == "a1"


def test_eval_missing_gold_file(tmp_path):
    result = invoke(["eval", "--gold", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2 and "gold file not found" in result.output


def test_eval_on_a_small_gold_file(tmp_path):
    gold = dict(
        DOC,
        deals=[
            {
                "headline": True,
                "parties": ["Anthropic", "Lattice Compute"],
                "kind": "compute",
                "gpu_count": 40000,
                "chip": "H200",
                "value_usd": 4e9,
                "status": "announced",
            }
        ],
    )
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold) + "\n")
    result = invoke(["eval", "--gold", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["precision"], report["recall"], report["f1"]) == (1.0, 1.0, 1.0)
    assert report["f1_interval"] == [1.0, 1.0]  # one article, read without error
    assert report["fields"]["gpu_count"] == [1.0, 1]


def test_eval_dev_set_holds_its_level():
    path = dev_set_or_skip()
    result = invoke(["eval", "--gold", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    for key, floor in DEV_FLOOR.items():
        assert report[key] >= floor, (key, report[key])
    for name, floor in DEV_FIELD_FLOOR.items():
        assert report["fields"][name][0] >= floor, (name, report["fields"][name])


def test_scorer_agrees_with_the_shared_score_script():
    dev = dev_set_or_skip()
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "eval" / "score.py")
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    from extract.evaluate import evaluate, load_gold
    from extract.scoring import score

    gold = load_gold(dev)
    pred = evaluate(dev)["predictions"]
    # also a deliberately wrong prediction set, so disagreement on misses would show
    shuffled = {
        k: {"deals": (pred[k2]["deals"])} for k, k2 in zip(pred, list(pred)[1:] + list(pred)[:1])
    }
    for predictions in (pred, shuffled):
        ours, theirs = score(gold, predictions), shared.score(gold, predictions)
        ours, theirs = json.loads(json.dumps(ours)), json.loads(json.dumps(theirs))
        # roles are ours alone: every field the shared scorer has must agree
        assert ours["fields"].pop("roles") == [None, 0]  # the dev set has no roles
        assert ours == theirs


def test_eval_scores_roles_where_the_gold_deal_has_them(tmp_path):
    deal = {
        "headline": True,
        "parties": ["Anthropic", "Lattice Compute"],
        "kind": "compute",
        "value_usd": 4e9,
        "status": "announced",
    }
    right = dict(
        DOC,
        doc_id="right",
        deals=[dict(deal, roles={"Anthropic": "buyer", "Lattice Compute Inc.": "provider"})],
    )
    wrong = dict(DOC, doc_id="wrong", deals=[dict(deal, roles={"Anthropic": "provider"})])
    none = dict(DOC, doc_id="none", deals=[deal])  # no roles: not counted
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in (right, wrong, none)))
    result = invoke(["eval", "--gold", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["fields"]["roles"] == [0.5, 2]
    (miss,) = [w for w in report["wrong_fields"] if w[1] == "roles"]
    assert miss[0] == "wrong" and miss[2] == {"Anthropic": "provider"}
    assert miss[3]["Anthropic"] == "buyer"
    text = invoke(["eval", "--gold", str(path)])
    assert "  roles      0.500 (n=2)" in text.output.splitlines()


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_eval_of_an_empty_gold_file_is_an_error_not_a_perfect_score(tmp_path, content):
    path = tmp_path / "gold.jsonl"
    path.write_text(content)
    result = invoke(["eval", "--gold", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {path}: no gold documents (one JSON object a line, each "
        "with a doc_id, text and deals; see docs/EVAL.md)\n"
    )


def test_eval_help_names_a_document_that_exists():
    from conftest import REPO

    result = invoke(["eval", "--help"])
    assert "docs/EVAL.md" in result.output and (REPO / "docs" / "EVAL.md").is_file()


def test_extract_over_the_store(tmp_path):
    db = tmp_path / "deals.db"
    url = "https://news.test/a1"
    with Store(db) as store:
        store.append(
            NewEvent(
                "ArticleParsed",
                f"doc:{url}",
                {
                    "url": url,
                    "title": DOC["title"],
                    "text": DOC["text"],
                    "published": DOC["published"],
                    "authors": [],
                    "language": "en",
                    "canonical_url": url,
                    "parser_version": "1",
                },
            )
        )
    first = invoke(["extract", "--db", str(db)])
    again = invoke(["extract", "--db", str(db)])
    redo = invoke(["extract", "--db", str(db), "--reextract"])
    assert first.exit_code == again.exit_code == redo.exit_code == 0
    assert "1 article extracted, 1 deal " in first.output
    assert "0 articles extracted, 0 deals " in again.output
    with Store(db) as store:
        events = list(store.read(types=["DealsExtracted"]))
    assert len(events) == 1 and events[0].stream == f"doc:{url}"
    assert events[0].data["deals"][0]["parties"] == ["Anthropic", "Lattice Compute"]


def test_extract_without_a_database(tmp_path):
    result = invoke(["extract", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 2 and result.output.startswith("error: no database")


@pytest.mark.parametrize("command", ["extract", "extract-text", "eval"])
def test_help(command):
    result = invoke([command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
