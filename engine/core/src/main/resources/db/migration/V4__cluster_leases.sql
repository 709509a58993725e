-- Cluster mode: several Quench nodes on one PostgreSQL (H2 keeps working for one node).

-- Every node that ever started on this store, with its heartbeat: GET /api/v1/nodes reads it, and a node
-- whose heartbeat stopped loses its runs once their leases lapse.
create table cluster_node (
    id              varchar(128)  primary key,
    started_at      timestamp with time zone not null,
    last_heartbeat  timestamp with time zone not null,
    -- the address it serves on, for people reading GET /api/v1/nodes
    address         varchar(256)  not null
);

-- A running run is leased by one node: owner_node holds it until lease_expires_at, renewed by that node's
-- heartbeat. lease_generation grows by one at every claim and takeover, and every write of the run's state
-- is conditional on it (fencing: a node whose lease lapsed cannot write over the run's new owner).
-- current_step is the last step the run started: a run whose node died before any step is queued again,
-- one that was past its first step start is recorded interrupted in that step.
alter table run add column owner_node varchar(128);
alter table run add column lease_generation bigint not null default 0;
alter table run add column lease_expires_at timestamp with time zone;
alter table run add column current_step varchar(128);
create index run_lease on run (status, lease_expires_at);
create index run_owner on run (owner_node, status);

-- At most one run per (runbook, schedule fire time), whichever node Quartz fires on: a fire that
-- reaches two nodes (or one twice) makes one run.
create table schedule_fire_claim (
    runbook         varchar(128)  not null,
    scheduled_at    timestamp with time zone not null,
    run_id          varchar(40)   not null,
    primary key (runbook, scheduled_at)
);
