-- The language an agent chose for the console ('en' or 'ja'); null until they choose.
ALTER TABLE agents ADD COLUMN console_language TEXT CHECK (console_language IN ('en', 'ja'));
