"""The run lock: one holder at a time, and a dead holder never blocks."""

import os
import signal
import subprocess
import sys
import time

import pytest

from ops.lock import RunLock, RunLocked
from store.errors import DealsError

HOLD = """
import sys, time
from ops.lock import RunLock
lock = RunLock(sys.argv[1]).acquire()
print("held", flush=True)
time.sleep(60)
"""


def hold_in_child(db_path):
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "held"
    return child


def test_second_holder_is_refused_with_the_holders_pid(db_path):
    child = hold_in_child(db_path)
    try:
        with pytest.raises(RunLocked) as err:
            RunLock(db_path).acquire()
        assert f"pid {child.pid}" in str(err.value) and "started" in str(err.value)
        assert err.value.exit_code == 3
    finally:
        child.kill()
        child.wait()


def test_lock_of_a_killed_process_is_free(db_path):
    child = hold_in_child(db_path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert (db_path.parent / "deals.db.lock").exists()  # stale file left behind
    with RunLock(db_path):
        pass


def test_release_lets_the_next_run_in(db_path):
    with RunLock(db_path):
        with pytest.raises(RunLocked):
            RunLock(db_path).acquire()
    started = time.monotonic()
    with RunLock(db_path):
        assert time.monotonic() - started < 5


def test_a_symlink_to_the_database_takes_the_same_lock(tmp_path, db_path):
    link = tmp_path / "other-name.db"
    link.symlink_to(db_path)
    with RunLock(db_path):
        with pytest.raises(RunLocked):
            RunLock(link).acquire()


def test_a_planted_lock_symlink_is_refused_and_its_target_untouched(tmp_path, db_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n")
    (tmp_path / "deals.db.lock").symlink_to(victim)
    with pytest.raises(DealsError) as err:
        RunLock(db_path).acquire()
    assert "symbolic link" in str(err.value)
    assert victim.read_text() == "keep me\n"


def test_a_hard_linked_lock_file_is_refused(tmp_path, db_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n")
    os.link(victim, tmp_path / "deals.db.lock")
    with pytest.raises(DealsError):
        RunLock(db_path).acquire()
    assert victim.read_text() == "keep me\n"


@pytest.mark.parametrize("command", ["run", "crawl"])
def test_a_file_that_is_not_a_database_gets_no_lock_file(tmp_path, command):
    notes = tmp_path / "passwd"
    notes.write_text("root:x:0:0:root:/root:/bin/bash\n")
    proc = subprocess.run(
        [sys.executable, "-c", "import cli; cli.main()", command, "--db", str(notes)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0 and "not a deals database" in proc.stderr
    assert not (tmp_path / "passwd.lock").exists()
    assert notes.read_text() == "root:x:0:0:root:/root:/bin/bash\n"
