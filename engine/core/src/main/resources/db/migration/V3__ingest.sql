-- Alert ingestion (issue 6). Written to run unchanged on H2 2.x and PostgreSQL 12+.

-- Deliveries a sender identified (PagerDuty's X-Webhook-Id): a second one with the same id is a replay.
create table webhook_delivery (
    source          varchar(64)   not null,
    delivery_id     varchar(256)  not null,
    received_at     timestamp with time zone not null,
    primary key (source, delivery_id)
);

-- Lifecycle look-ups: the runs of one alert (source + fingerprint), and a runbook's active runs.
create index alert_source_fingerprint on alert (source, fingerprint);
create index run_alert on run (alert_id);
create index run_runbook_status on run (runbook, status);
