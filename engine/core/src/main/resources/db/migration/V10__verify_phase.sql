-- Issue 20, verify: each recorded step says which phase of its run it belongs to: 'run' (the steps, onFailure
-- and finally steps) or 'verify' (the checks after the steps succeeded). Steps recorded before are of the run phase.
alter table run_step add column phase varchar(16) default 'run' not null;
