-- The alert given inline to a manual run (POST /api/v1/runs with "alert"): not a received alert, so not in the
-- alert table, but the run needs it on whichever node claims it, after an approval, a restart or a takeover.
-- Deleted with its run by retention.
create table run_given_alert (
    run_id  varchar(40)       primary key,
    alert   varchar(1000000)  not null
);
