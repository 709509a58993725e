-- Incidents (issue 20): alerts that belong together (one group key) with the runs they started. Runs unchanged
-- on H2 2.x and PostgreSQL 12+. Pruned by retention with their alerts; copied by `quench store copy` like
-- every table (parents first, by the foreign keys below).

-- One incident: opened by the first firing alert of its group that a runbook matched, resolved once every
-- alert of it resolved and its runs ended. Times are Quench's clock (when alerts were received), so MTTA and
-- MTTR never mix a sender's clock with the engine's.
create table incident (
    id              varchar(40)   primary key,
    group_key       varchar(1024) not null,
    title           varchar(512)  not null,
    -- the owner of the runbook the first alert matched: a team-scoped token sees its team's incidents
    owner           varchar(128)  not null,
    opened_at       timestamp with time zone not null,
    last_alert_at   timestamp with time zone not null,
    resolved_at     timestamp with time zone
);
create index incident_opened on incident (opened_at);
create index incident_open on incident (resolved_at);

-- The current incident of each group key, locked (select ... for update) while an alert is placed: two nodes
-- taking alerts of one group at once make one incident, the second waits for the first and joins it.
create table incident_group (
    group_key       varchar(1024) primary key,
    incident_id     varchar(40)   references incident (id)
);

-- The alert rows (firing and resolved) of each incident.
create table incident_alert (
    alert_id        bigint        primary key references alert (id),
    incident_id     varchar(40)   not null references incident (id)
);
create index incident_alert_incident on incident_alert (incident_id);

-- The runs an incident's alerts started (the ledger credits one incident's toil once per runbook).
alter table run add column incident_id varchar(40);
alter table run add constraint run_incident foreign key (incident_id) references incident (id);
create index run_incident on run (incident_id);

-- Toil ledger 2: per team and ISO week, what the toil share needs of runs that retention prunes (toil_week keeps
-- the per-runbook figures): minutes saved, minutes incurred by failed runs, and human approvals (charged at the
-- configured toil.approvalMinutes when a report is made, so a changed setting applies to old weeks too).
create table toil_team_week (
    week_start      timestamp with time zone not null,
    owner           varchar(128)  not null,
    minutes_saved   bigint        not null,
    minutes_incurred bigint       not null,
    approvals       int           not null,
    primary key (week_start, owner)
);
