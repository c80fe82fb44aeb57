"""Operations: the cron job end to end (lock, run records, run log, crontab line, status,
interrupts). It orchestrates crawler and extract over the store; the CLI only calls it."""
