-- The schema of `cache.rs`'s `Shop` store: a cached method reads a view.
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL);
CREATE TABLE audit (what TEXT NOT NULL);
CREATE VIEW in_stock AS SELECT id, name FROM items WHERE qty > 0;
