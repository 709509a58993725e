-- Circuit breakers (guards.breaker): one row per runbook whose breaker has tripped or been reset.
-- A runbook without a row has a closed breaker that counts every failure in its window. Written only
-- while the runbook's guard_lock row is locked, so nodes sharing one PostgreSQL trip and reset it once.
create table runbook_breaker (
    runbook         varchar(128)  primary key,
    -- when it tripped; null while it is closed
    tripped_at      timestamp with time zone,
    -- why it tripped: the failed runs it counted
    trip_reason     varchar(2048),
    -- failures that finished before this do not count any more (the last reset or cool-off)
    counted_since   timestamp with time zone,
    -- who closed it last (a token's name, or "cool-off") and when
    reset_by        varchar(256),
    reset_at        timestamp with time zone
);

-- Per-target locks (guards.lockKey): a queued run with a lock_key starts only while no running run holds
-- the same key, and only when no older queued run waits for it (first come, first served). The lock is
-- the running run itself, so a run that ends, or whose node dies and whose lease is taken over, releases
-- it. Claims lock the key's run_lock row (created at admission) so two nodes never start two holders.
alter table run add column lock_key varchar(1024);
create index run_lock_key on run (lock_key, status);
create table run_lock (
    lock_key        varchar(1024) primary key
);
