-- Only refusals count toward a calling number's limit, so only refusals need finding by caller:
-- a verified attempt (nearly every attempt during an outage) writes one index page fewer.
DROP INDEX verification_audit_caller;
CREATE INDEX verification_audit_caller_refused ON verification_audit (caller, at) WHERE result = 'refused';
