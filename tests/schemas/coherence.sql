-- The compile-time schema of `coherence_model.rs`'s schema-mode store. At run time every case
-- builds its own variant of it (see `Shape::ddl`): other keys, collations, indexes, triggers, a
-- view or a table, FTS5 or not — what the cache must follow is the live schema, not this one.
CREATE TABLE t1 (k INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL, n INTEGER NOT NULL);
CREATE UNIQUE INDEX t1_v ON t1 (v);
CREATE TABLE t2 (id INTEGER PRIMARY KEY, k INTEGER NOT NULL REFERENCES t1 (k) ON DELETE CASCADE, x INTEGER NOT NULL);
CREATE TABLE log (k INTEGER NOT NULL, what TEXT NOT NULL);
CREATE TABLE keys (k INTEGER NOT NULL);
CREATE TABLE w (k INTEGER PRIMARY KEY, x INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE ext (k INTEGER PRIMARY KEY, n INTEGER NOT NULL);
CREATE VIEW v1 AS SELECT k, n FROM t1 WHERE n > 0;
CREATE VIRTUAL TABLE f USING fts5 (v);
