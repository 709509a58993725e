-- Retention deletes in batches that walk an index on the rows' time, each batch starting where the last one
-- stopped. Schedule fire claims had no such index: each batch of their delete scanned the whole table.
create index schedule_fire_claim_scheduled on schedule_fire_claim (scheduled_at);

-- The weekly roll-up of manual alerts reads the bulk rows that began before the weeks it rolls up (once per
-- pass), not every newer one: the newer rows are most of a store's bulk alerts.
create index alert_chunk_first_received on alert_chunk (first_received);
