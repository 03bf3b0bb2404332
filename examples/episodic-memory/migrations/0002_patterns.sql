-- Patterns the agent extracted from its episodes, with running statistics.
CREATE TABLE patterns (
    id           INTEGER PRIMARY KEY,
    pattern_type TEXT NOT NULL,
    description  TEXT NOT NULL,
    success_rate REAL NOT NULL DEFAULT 0,
    occurrences  INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL
);
CREATE INDEX patterns_type ON patterns (pattern_type);
