"""The log's own tables. `PRAGMA user_version` records which migrations ran."""

MIGRATIONS = [
    # 1: the log, blobs and projection checkpoints
    """
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        stream TEXT NOT NULL,
        version INTEGER NOT NULL,
        data TEXT NOT NULL,
        meta TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        schema INTEGER NOT NULL,
        UNIQUE (stream, version)
    );
    CREATE INDEX events_type_seq ON events (type, seq);
    CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        codec TEXT NOT NULL,
        data BLOB NOT NULL
    );
    CREATE TABLE projection_positions (
        name TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        version INTEGER NOT NULL
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
