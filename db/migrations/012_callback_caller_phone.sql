-- The number the booking call came from (E.164), NULL when it was withheld: a callback to any other
-- number than this one or the customer's phone on file was typed by the caller, and the agent's
-- whisper says so before anyone is dialed.
ALTER TABLE callbacks ADD COLUMN caller_phone TEXT;
-- Callbacks booked before the column existed: the calling number their call recorded.
UPDATE callbacks SET caller_phone = (
  SELECT from_number FROM calls WHERE calls.call_sid = callbacks.call_sid AND from_number GLOB '+[1-9]*'
) WHERE call_sid IS NOT NULL;
