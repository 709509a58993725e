-- Cancel requests for runs executing on another node: the node that takes the request records it here, and
-- the node holding the run's lease stops the run at its next heartbeat and deletes the request. A request
-- outlives its run only until a heartbeat sees the run ended.
create table run_cancel_request (
    run_id        varchar(40)    primary key,
    reason        varchar(4000)  not null,
    requested_at  timestamp with time zone not null
);
