package dev.quench.core.store;

import java.time.Instant;

/**
 * An incident a transaction opened or joined for a group, whose {@code incident_group} row it holds locked
 * until it commits: later alerts of that group in the same transaction join it without reading it again.
 *
 * @param id           the incident's id
 * @param lastAlertAt  the latest {@code last_alert_at} this transaction wrote to it
 */
record PlacedIncident(String id, Instant lastAlertAt) {
}
