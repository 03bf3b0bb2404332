-- The schema every ui case is checked against (`tests/ui.rs` points `LARDER_SCHEMA` here,
-- because trybuild builds the cases in a crate of its own under `target/`).
CREATE TABLE items (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    qty  INTEGER NOT NULL DEFAULT 0,
    note TEXT
);
CREATE TABLE tags (item INTEGER NOT NULL REFERENCES items (id), tag TEXT NOT NULL);
CREATE TABLE t (x);
