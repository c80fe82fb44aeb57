"""Operations: the cron job end to end (lock, run records, run log, crontab line, status,
interrupts), and the events a person's corrections append (curation_appends). It orchestrates
crawler and extract over the store; the CLI only calls it."""
