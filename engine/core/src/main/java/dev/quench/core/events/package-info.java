/**
 * Live run events: status changes, step start and finish, and output lines as a run produces them, with
 * a per-run id, a bounded replay buffer per run and per engine, and rate and size bounds, published by
 * the executor and read by the HTTP event streams. Nothing here blocks a run: a slow reader loses events
 * and is told how many. Its limits are the {@code events:} section of {@code quench.yaml}; exec publishes here, server reads here.
 */
package dev.quench.core.events;
