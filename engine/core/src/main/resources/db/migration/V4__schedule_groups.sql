-- Store version 4: schedule groups. Quartz now holds one trigger per distinct (cron, timezone,
-- misfire policy) -- a schedule group -- and Quench fans each fire out to the group's runbooks.
-- This table is the membership as last synced, so `quench schedules --data DIR` can show every
-- runbook's schedule without a running engine, and a runbook whose file is broken keeps its place.
-- The per-runbook Quartz triggers of version 2 (trigger group 'runbooks') are converted into
-- groups by the scheduler's first sync after the upgrade, keeping fires missed during it.
create table schedule_member (
    runbook     varchar(128)  not null primary key,
    group_name  varchar(64)   not null,
    cron        varchar(200)  not null,
    timezone    varchar(64)   not null,
    misfire     varchar(16)   not null,
    source      varchar(1024)
);
create index schedule_member_group on schedule_member (group_name);
