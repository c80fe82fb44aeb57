"""One run at a time per database: an flock on a file beside it.

The kernel drops an flock when its holder dies, so a lock left by a killed run never blocks
the next one; the pid and start time written into the file only serve the error message.
"""

from __future__ import annotations

import fcntl
import os
from datetime import datetime, timezone
from pathlib import Path

from store.errors import DealsError


class RunLocked(DealsError):
    """Another run holds the database (exit 3, so cron mail can tell it from a failure)."""

    exit_code = 3


class RunLock:
    def __init__(self, db_path: str | os.PathLike):
        self.path = Path(f"{db_path}.lock")
        self._fd: int | None = None

    def acquire(self) -> "RunLock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DealsError(f"cannot open the run lock {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode(errors="replace").strip() or "unknown holder"
            os.close(fd)
            raise RunLocked(f"another deals run holds {self.path} ({holder})") from None
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, started {started}\n".encode())
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
