-- Cheaper alert rows (issue 6). Written to run unchanged on H2 2.x and PostgreSQL 12+.

-- The lifecycle look-ups ("the runs of this alert": source + fingerprint) move from an index on the
-- alert table, written for every alert received, to the run table, written once per run. In an alert
-- storm almost no alert starts a run, so each stored alert now updates four indexes instead of five.
alter table run add column alert_source varchar(64);
alter table run add column alert_fingerprint varchar(256);
update run set alert_source = (select a.source from alert a where a.id = run.alert_id),
               alert_fingerprint = (select a.fingerprint from alert a where a.id = run.alert_id)
    where alert_id is not null;
create index run_alert_identity on run (alert_source, alert_fingerprint);
drop index alert_source_fingerprint;
