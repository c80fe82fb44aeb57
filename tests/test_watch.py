"""`deals watch`: material changes since the previous watch, and silence when there are none."""

import json

import pytest
from click.testing import CliRunner
from deal_events import article, curation, deal, extracted

from cli import cli
from store import Store


@pytest.fixture
def db(db_path):
    with Store(db_path) as store:
        store.append(
            [
                article("a1", "2025-03-01"),
                extracted(
                    "a1",
                    deal(
                        "Halcyon",
                        "Vantor",
                        gpu_count=100_000,
                        power_mw=150,
                        status="planned",
                        facility="Aurora Campus",
                        chip="GB200",
                    ),
                    published="2025-03-01",
                ),
            ]
        )
    return db_path


def watch(db, *args):
    result = CliRunner().invoke(cli, ["watch", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def append(db, *events):
    with Store(db) as store:
        store.append(list(events))


def test_first_watch_reports_new_deals_then_nothing(db):
    first = watch(db).splitlines()
    assert len(first) == 1 and first[0].startswith("NEW ")
    assert "Halcyon + Vantor [compute] 100,000 x GB200 150 MW at Aurora Campus" in first[0]
    assert watch(db) == ""  # nothing new prints nothing: cron mails nothing


def test_revision_status_change_facility_party_and_conflict(db):
    watch(db)
    append(
        db,
        article("a2", "2025-06-01"),
        extracted(
            "a2",
            deal(
                "Halcyon",
                "Vantor",
                gpu_count=200_000,
                power_mw=150,
                status="announced",
                facility="Aurora Campus",
            ),
            published="2025-06-01",
        ),
    )
    lines = watch(db).splitlines()
    assert any(
        line.startswith("REVISED") and "gpu_count 100,000 -> 200,000 (+100%," in line
        for line in lines
    ), lines
    assert any(line.startswith("STATUS") and "planned -> announced" in line for line in lines), (
        lines
    )
    assert not any(line.startswith("NEW") for line in lines)

    append(
        db,
        article("a3", "2025-06-03"),
        extracted(
            "a3",
            deal("Halcyon", "Vantor", gpu_count=200_000, power_mw=600, facility="Aurora Campus"),
            published="2025-06-03",
        ),
        article("a4", "2025-06-04"),
        extracted(
            "a4",
            deal("Kestrel Power", "Vantor", kind="power", power_mw=300, facility="Aurora Campus"),
            published="2025-06-04",
        ),
    )
    lines = watch(db).splitlines()
    assert any(line.startswith("CONFLICT") and "power_mw 150 vs 600" in line for line in lines), (
        lines
    )
    assert "PARTY     Aurora Campus: new party Kestrel Power" in lines
    assert any(
        line.startswith("NEW") and "Kestrel Power + Vantor [power]" in line for line in lines
    )


def test_thresholds_filter_new_deals(db):
    assert watch(db, "--min-mw", "500") == ""
    append(
        db,
        article("b1", "2025-05-01"),
        extracted("b1", deal("Okapi", "Tessaro", gpu_count=50_000), published="2025-05-01"),
    )
    out = watch(db, "--min-mw", "500", "--min-gpus", "20k")
    assert "Okapi + Tessaro" in out


def test_min_confidence_announces_only_the_deals_the_extractor_is_sure_of(db):
    append(
        db,
        article("d1", "2025-08-01"),
        extracted("d1", deal("Okapi", "Tessaro", confidence=0.95), published="2025-08-01"),
        article("d2", "2025-08-02"),
        extracted("d2", deal("Quillon", "Sable Ridge", confidence=0.61), published="2025-08-02"),
    )
    out = watch(db, "--min-confidence", "0.9")
    assert "Okapi + Tessaro" in out
    assert "Quillon" not in out and "Halcyon" not in out  # 0.61, and no confidence at all
    result = CliRunner().invoke(cli, ["watch", "--db", str(db), "--min-confidence", "sure"])
    assert result.exit_code == 2 and "--min-confidence" in result.output


def test_rejected_deal_stays_quiet_and_json_format(db, db_path):
    with Store(db_path) as store:
        from store.replay import catch_up

        catch_up(store)
        (deal_id,) = store.conn.execute("SELECT id FROM deals").fetchone()
    append(db, curation("DealRejected", deal_id=deal_id, reason="a rumour"))
    assert watch(db, "--format", "json") == ""
    append(
        db,
        article("c1", "2025-07-01"),
        extracted("c1", deal("Okapi", "Tessaro", value_usd=2e9), published="2025-07-01"),
    )
    (change,) = json.loads(watch(db, "--format", "json"))
    assert change["change"] == "new_deal" and change["value_usd"] == 2e9


def test_separate_watchers_keep_separate_checkpoints(db):
    assert watch(db, "--name", "alice") != ""
    assert watch(db, "--name", "alice") == ""
    assert watch(db, "--name", "bob") != ""


def test_bad_threshold_is_one_line_exit_2(db):
    result = CliRunner().invoke(cli, ["watch", "--db", str(db), "--min-mw", "lots"])
    assert result.exit_code == 2 and "--min-mw" in result.output


def test_cron_line_has_absolute_paths(db_path):
    result = CliRunner().invoke(cli, ["cron", "--db", str(db_path), "--every", "6h"])
    assert result.exit_code == 0
    schedule, command = result.output.strip().split(" /", 1)
    assert schedule == "7 */6 * * *"
    parts = ("/" + command).split()
    assert parts[0].startswith("/") and parts[0].endswith("/deals")
    assert parts[1:] == [
        "run",
        "--db",
        str(db_path.resolve()),
        "--log",
        str(db_path.resolve().with_name("deals-run.log")),
    ]
    bad = CliRunner().invoke(cli, ["cron", "--every", "3h"])
    assert bad.exit_code == 2 and "use one of" in bad.output


def test_cron_line_escapes_percent_and_refuses_a_line_break(tmp_path):
    odd = tmp_path / "100%" / "deals.db"
    result = CliRunner().invoke(cli, ["cron", "--db", str(odd)])
    assert result.exit_code == 0
    line = result.output.strip()
    assert "100\\%" in line and "100%" not in line.replace("100\\%", "")  # cron reads % as \n
    broken = CliRunner().invoke(cli, ["cron", "--db", str(tmp_path / "a\nb.db")])
    assert broken.exit_code == 2 and "line break" in broken.output
