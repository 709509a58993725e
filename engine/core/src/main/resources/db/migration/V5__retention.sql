-- Retention: detail older than retention.alerts / retention.runs is pruned in small batches; what the toil
-- ledger reports for the pruned weeks is kept here first, so a report gives the same totals afterwards.

-- Runs rolled up per ISO week (Monday 00:00 UTC), runbook and owner: what ToilLedger counts from runs.
create table toil_week (
    week_start      timestamp with time zone not null,
    runbook         varchar(128)  not null,
    owner           varchar(128)  not null,
    runs            int           not null,
    succeeded       int           not null,
    failed          int           not null,
    minutes_saved   bigint        not null,
    primary key (week_start, runbook, owner)
);

-- Firing alerts that matched no runbook, rolled up per week and alert name (the ledger's manual alerts).
create table toil_manual_week (
    week_start      timestamp with time zone not null,
    alertname       varchar(512)  not null,
    alerts          bigint        not null,
    primary key (week_start, alertname)
);

-- Per retention target ('runs', 'alerts'): detail before rolled_up_before has been rolled up, so the ledger
-- reads the roll-up for those weeks and the detail from there on; the detail before it may be deleted.
create table retention_watermark (
    target          varchar(32)   primary key,
    rolled_up_before timestamp with time zone not null
);

-- Store-wide maintenance leases: one node at a time does the work named (retention). A node takes the row
-- when it is free or expired, and renews it between batches; generation counts the hand-overs.
create table maintenance_lease (
    name            varchar(64)   primary key,
    holder          varchar(256)  not null,
    expires_at      timestamp with time zone not null,
    generation      bigint        not null
);
insert into maintenance_lease (name, holder, expires_at, generation)
values ('retention', '', timestamp with time zone '1970-01-01 00:00:00+00', 0);

-- Schedule fires are pruned with runs, by age.
create index schedule_fire_fired on schedule_fire (fired_at);

-- The ledger reads runs by when they finished (toil report, weekly roll-ups): without this each read scanned
-- every run.
create index run_finished on run (finished_at);
