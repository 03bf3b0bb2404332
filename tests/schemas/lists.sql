CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    name TEXT NOT NULL,
    score REAL NOT NULL,
    at TEXT NOT NULL
);
