-- An agent's episodes: one task attempt each, with its context (JSON) and outcome.
CREATE TABLE episodes (
    id           TEXT PRIMARY KEY,           -- UUID
    task         TEXT NOT NULL,
    context      TEXT NOT NULL DEFAULT '{}', -- JSON
    started_at   TEXT NOT NULL,              -- fixed-width RFC 3339, sortable
    completed_at TEXT,
    outcome      TEXT,
    reward       REAL
);
CREATE INDEX episodes_started_at ON episodes (started_at);

-- The steps of an episode; deleted with it.
CREATE TABLE steps (
    episode TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    n       INTEGER NOT NULL,
    action  TEXT NOT NULL,
    PRIMARY KEY (episode, n)
);
