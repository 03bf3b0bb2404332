-- larder:no-transaction
-- Outside a transaction (as VACUUM must be; sqld does not run VACUUM at all).
CREATE INDEX IF NOT EXISTS notes_by_tags ON notes (tags);
