-- A column added later, and a row that must be inserted once however many processes start.
ALTER TABLE notes ADD COLUMN tags TEXT;
INSERT INTO notes (body, tags) VALUES ('seeded by 0002', 'seed');
