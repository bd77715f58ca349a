-- When the customer pressed a key on a callback's customer leg: a person, not a voicemail, is on the
-- line. Only a confirmed leg connects its callback, and only its end completes it.
ALTER TABLE callback_legs ADD COLUMN confirmed_at INTEGER;
