"""The run lock: one holder at a time, and a dead holder never blocks."""

import os
import signal
import subprocess
import sys
import time

import pytest

from store.lock import RunLock, RunLocked

HOLD = """
import sys, time
from store.lock import RunLock
lock = RunLock(sys.argv[1]).acquire()
print("held", flush=True)
time.sleep(60)
"""


def hold_in_child(db_path):
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(db_path)], stdout=subprocess.PIPE,
                             text=True)
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
