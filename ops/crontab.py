"""The crontab line `deals cron` prints: absolute paths, so cron's bare PATH does not matter."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

from store.errors import ConfigError

SCHEDULES = {
    "15m": "*/15 * * * *",
    "30m": "*/30 * * * *",
    "1h": "7 * * * *",
    "2h": "7 */2 * * *",
    "6h": "7 */6 * * *",
    "12h": "7 */12 * * *",
    "1d": "7 5 * * *",
}


def deals_executable() -> Path:
    """The `deals` of this installation (the venv's), not whichever one PATH finds first."""
    beside = Path(sys.executable).parent / "deals"
    if beside.exists():
        return beside.resolve()
    found = shutil.which("deals")
    return Path(found).resolve() if found else beside


def crontab_line(
    every: str,
    db_path: Path,
    log_file: Path | None = None,
    sources_file: Path | None = None,
    settings: tuple[str, ...] = (),
) -> str:
    """The line: `deals run` with absolute paths, and the sources file and `--set` settings
    the run is to use (checked by the caller)."""
    schedule = SCHEDULES.get(every)
    if schedule is None:
        raise ConfigError(f"--every {every!r}: use one of {', '.join(SCHEDULES)}")
    log = Path(log_file).resolve() if log_file else db_path.with_name("deals-run.log")
    command = [str(deals_executable()), "run", "--db", str(db_path), "--log", str(log)]
    if sources_file is not None:
        command += ["--sources", str(Path(sources_file).resolve())]
    for pair in settings:
        command += ["--set", pair]
    for part in command:
        if "\n" in part or "\r" in part:
            raise ConfigError(f"{part!r}: a path with a line break cannot go in a crontab line")
    # Minute 7, not 0: many cron jobs and many sites' own jobs start on the hour.
    # cron reads a bare % as a line break (the rest goes to stdin); \% is a literal %.
    return f"{schedule} {shlex.join(command).replace('%', chr(92) + '%')}"
