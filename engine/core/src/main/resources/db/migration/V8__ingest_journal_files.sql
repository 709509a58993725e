-- Ingest journal files (issue 6). Written to run unchanged on H2 2.x and PostgreSQL 12+.

-- The ingest journal moved out of the store into append-only files in the data directory (journal/):
-- a 202 waits for one forced file write per group instead of a store commit. Each journal's checkpoint
-- lives here, and moves in the same transaction that stores its records as alerts, so each journaled
-- alert is stored exactly once across any crash. alert_journal (V7) is emptied at start by Quench
-- (LegacyJournalTable) and no longer written.
create table ingest_journal (
    journal_id      varchar(64)   primary key,
    expanded_seq    bigint        not null,
    updated_at      timestamp with time zone not null
);
