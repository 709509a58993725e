-- The run queue in the order it is claimed (oldest first) and counted (admission): a claim reads only the runs
-- it takes instead of sorting every queued run, which made each claim cost as much as the queue was long. It
-- serves every query the (status) index served, so that index goes: one index fewer to write per run change.
create index run_queue on run (status, created_at, id);
drop index run_status;
