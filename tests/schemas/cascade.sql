-- The schema of `remote.rs`'s `Family` store: writes that spread through a foreign-key action and
-- a trigger, which a remote connection's missing update hook cannot report.
CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL, kids INTEGER NOT NULL DEFAULT 0);
CREATE TABLE children (
    id     INTEGER PRIMARY KEY,
    parent INTEGER NOT NULL REFERENCES parents (id) ON DELETE CASCADE
);
CREATE TABLE renames (parent INTEGER NOT NULL, old TEXT NOT NULL);
CREATE TRIGGER parents_renamed AFTER UPDATE OF name ON parents BEGIN
    INSERT INTO renames (parent, old) VALUES (OLD.id, OLD.name);
END;
-- A plain INSERT into `children` updates existing rows of `parents`.
CREATE TRIGGER children_counted AFTER INSERT ON children BEGIN
    UPDATE parents SET kids = kids + 1 WHERE id = NEW.parent;
END;
-- A plain INSERT into `recent` deletes old rows of its own table.
CREATE TABLE recent (id INTEGER PRIMARY KEY);
CREATE TRIGGER recent_bounded AFTER INSERT ON recent BEGIN
    DELETE FROM recent WHERE id < NEW.id - 10;
END;
