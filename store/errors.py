"""Errors a user can act on. Each carries a one-line message and the exit code the CLI uses."""

import sqlite3


class DealsError(Exception):
    """Base for every error the CLI reports as one line instead of a traceback."""

    exit_code = 1


class ConfigError(DealsError):
    """Bad options, sources or input: the user's to fix (exit 2)."""

    exit_code = 2


class DatabaseMissing(DealsError):
    exit_code = 2


class NotADatabase(DealsError):
    """--db names a directory or a file that is not SQLite: the user's to fix (exit 2)."""

    exit_code = 2


class CorruptDatabase(DealsError):
    """An SQLite file whose pages are damaged."""


class SchemaTooNew(DealsError):
    pass


class DatabaseLocked(DealsError):
    pass


class DatabaseReadOnly(DealsError):
    pass


class DiskFull(DealsError):
    pass


class ConcurrencyError(DealsError):
    """A stream moved on since the writer read it (stale expected_version)."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM: raised where the work can stop, so open transactions roll back.

    A BaseException, as KeyboardInterrupt is, so that no `except Exception` swallows it.
    """

    def __init__(self, signum: int, done: str = ""):
        super().__init__(signum, done)
        self.signum = signum
        self.done = done  # what was finished before the signal, for the message

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def from_sqlite(exc: sqlite3.Error, path) -> DealsError:
    """Translate a sqlite3 error into the one-line error a user can act on."""
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return DatabaseLocked(f"database {path} is locked by another process (gave up waiting)")
    if "malformed" in msg:
        return CorruptDatabase(f"{path} is not a deals database (corrupt): {exc}")
    if "not a database" in msg or "file is encrypted" in msg:
        return NotADatabase(
            f"{path} is not a deals database (not an SQLite file, or corrupt): {exc}"
        )
    if "readonly" in msg or "read-only" in msg:
        return DatabaseReadOnly(f"database {path} is read-only: nothing was written")
    if "full" in msg or "disk i/o" in msg:
        return DiskFull(
            f"could not write {path} ({exc}: is the disk full?); "
            "the last transaction was rolled back"
        )
    if "unable to open" in msg:
        return DatabaseMissing(f"cannot open database {path}: {exc}")
    return DealsError(f"database error on {path}: {exc}")
