-- Callers refused by a lock or a number limit are no longer left alone: without a backup desk, a P1
-- callback to the account's phone on file is booked for them, marked unverified so that the engineer
-- verifies the customer another way before acting. Why, and after how many failed codes:
ALTER TABLE callbacks ADD COLUMN unverified TEXT CHECK (unverified IN ('locked', 'number-limited'));
ALTER TABLE callbacks ADD COLUMN unverified_failures INTEGER;

-- Refused codes across the whole line within a window (the verification guard) are counted at every
-- refusal and at every scrape.
CREATE INDEX verification_audit_refused_at ON verification_audit (at) WHERE result = 'refused';

-- A call's retry key is a keyed hash now: the keys kept until here held the digits typed, the
-- last one-time code of every call among them.
UPDATE calls SET last_input_key = NULL WHERE last_input_key IS NOT NULL;
