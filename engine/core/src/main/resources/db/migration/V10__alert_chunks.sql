-- Alert storms stored in bulk (issue 6). Written to run unchanged on H2 2.x and PostgreSQL 12+.

-- Firing alerts that matched no runbook when they arrived — the bulk of any storm — are kept many
-- to a row: one row per group commit instead of one indexed row per alert. Their alerts have ids
-- first_id .. first_id + alert_count - 1 (the same id space as the alert table), are processed and
-- matched no runbook. Rows are read whole (GET /api/v1/alerts, the toil ledger), never updated.
create table alert_chunk (
    first_id        bigint        primary key,
    alert_count     int           not null,
    first_received  timestamp with time zone not null,
    last_received   timestamp with time zone not null,
    -- '|alertmanager|grafana|': lets a listing by source skip rows without reading their alerts
    sources         varchar       not null,
    -- {"alertname": count, …}: lets the toil ledger count manual alerts without reading them
    names           varchar       not null,
    -- 16 bytes per alert, in order: the re-delivery check's keys, read back at start
    key_hashes      bytea         not null,
    -- the alerts themselves, as the ingest journal encodes them (JournalCodec)
    alerts          bytea         not null
);
create index alert_chunk_received on alert_chunk (last_received);

-- The next alert id, shared by the alert table and alert_chunk: whoever stores alerts takes a block
-- of ids by moving it, in the storing transaction (the row lock orders writers on one PostgreSQL).
create table alert_id (
    next_id         bigint        not null
);
insert into alert_id (next_id) select coalesce(max(id), 0) + 1 from alert;
