-- Guards, approvals and the kill switch. Written to run unchanged on H2 2.x and PostgreSQL 12+.

-- 'awaiting_approval' is longer than the 16 characters of version 1.
alter table run alter column status set data type varchar(32);

-- The dedupe key the guards computed for a run; cooldowns compare runs with the same key.
alter table run add column guard_key varchar(1024);
create index run_guard on run (runbook, guard_key, created_at);

-- One row per guarded runbook, locked (update) while a run is admitted, so that two nodes sharing
-- the store cannot both admit a run the budget has room for only once.
create table guard_lock (
    runbook         varchar(128)  primary key,
    checked_at      timestamp with time zone not null
);

-- Who approved, rejected, cancelled or forced a run, and why.
create table run_decision (
    run_id          varchar(40)   not null references run (id),
    action          varchar(16)   not null,
    actor           varchar(256)  not null,
    reason          varchar       not null,
    decided_at      timestamp with time zone not null
);
create index run_decision_run on run_decision (run_id);

-- Engine-wide switches shared by every node: 'paused' (the kill switch).
create table engine_switch (
    name            varchar(64)   primary key,
    enabled         boolean       not null,
    changed_by      varchar(256)  not null,
    reason          varchar       not null,
    changed_at      timestamp with time zone not null
);
