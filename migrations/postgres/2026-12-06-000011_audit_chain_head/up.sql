-- The head of the audit chain, read while holding the chain's lock, in one round trip.
-- Appending a row took three statements, the lock, the head and the insert, and the lock
-- is held until the transaction commits: every writer queues on it, so each round trip in
-- that section was paid by all of them. A VOLATILE function's statements each take a fresh
-- snapshot, so the head read here is the one the previous holder committed.
CREATE FUNCTION audit_chain_head(lock_key BIGINT)
RETURNS TABLE (id BIGINT, row_hash TEXT)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT a.id, a.row_hash FROM audit_log a ORDER BY a.id DESC LIMIT 1;
END
$$;
