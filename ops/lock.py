"""One run at a time per database: an flock on a file beside the database's real path.

The kernel drops an flock when its holder dies, so a lock left by a killed run never blocks
the next one; the pid and start time written into the file only serve the error message.

The lock is keyed on the resolved path, so a symlink to the database takes the same lock as the
database itself. It is opened without following a symlink and refused unless it is a regular
file with one link, so a planted `x.db.lock` can never make a run write into another file.
"""

from __future__ import annotations

import fcntl
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

from store.errors import DealsError


class RunLocked(DealsError):
    """Another run holds the database (exit 3, so cron mail can tell it from a failure)."""

    exit_code = 3


def lock_path(db_path: str | os.PathLike) -> Path:
    """The lock file of a database: beside its real path, whatever link it was named by."""
    return Path(f"{os.path.realpath(db_path)}.lock")


class RunLock:
    def __init__(self, db_path: str | os.PathLike):
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> "RunLock":
        fd = self._open()
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

    def _open(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            reason = "it is a symbolic link" if os.path.islink(self.path) else exc.strerror
            raise DealsError(f"cannot open the run lock {self.path}: {reason}") from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            os.close(fd)
            raise DealsError(
                f"refusing the run lock {self.path}: not a plain file of its own "
                "(a link or a device); remove it if no run is going on"
            )
        return fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
