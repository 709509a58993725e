-- Incidents follow the sender's notification groups (issue 20): the group key an alert came with (Alertmanager's
-- webhook groupKey, capped at 512 characters by GroupKeys), null when its sender groups nothing. Hostile text,
-- kept as data. Runs unchanged on H2 2.x and PostgreSQL 12+; `quench store copy` copies it with its row (it copies
-- every column), and retention prunes it with its alert. Alerts stored in bulk (firing, matched no runbook) keep
-- it inside their chunk's binary records (format 3).
alter table alert add column group_key varchar(1024);
