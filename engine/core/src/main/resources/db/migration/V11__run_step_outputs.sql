-- The values of a step's declared outputs, as JSON (null when it declares none), shown with the step
-- in GET /api/v1/runs/{id} and `quench runs show`. Written to run unchanged on H2 2.x and PostgreSQL 12+.
alter table run_step add column outputs varchar;
