-- What an agent's current offer is for (a P1 call's CallSid, or callback:ID for the dialer's ring),
-- until that offer ends: a declined or unanswered offer frees the agent at once, not after a fixed hold.
ALTER TABLE agents ADD COLUMN offered_for TEXT;
