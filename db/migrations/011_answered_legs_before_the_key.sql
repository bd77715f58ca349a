-- Callback calls answered before the customer's leg waited for a key: then the answer was the
-- connection. Those legs count as confirmed, so one still live at the upgrade completes its callback
-- when it ends instead of counting as a missed try.
UPDATE callback_legs SET confirmed_at = updated_at
WHERE kind = 'customer' AND confirmed_at IS NULL AND status IN ('in-progress', 'completed');
