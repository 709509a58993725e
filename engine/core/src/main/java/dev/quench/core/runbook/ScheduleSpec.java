package dev.quench.core.runbook;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A runbook's {@code triggers.schedule}, checked. Immutable.
 *
 * @param cron          Quartz cron expression (seconds first: {@code 0 30 3 * * ?} is 03:30 every day)
 * @param timezone      the zone the cron is read in ({@code UTC} unless written)
 * @param jitter        each fire is delayed by a random time below this, to spread load; zero for none
 * @param misfire       what to do with fires missed while the engine was down
 * @param allowOverlap  whether a fire may start a run while the previous scheduled run is still going
 * @param allowSubMinute whether the cron may fire more often than once a minute (off unless written)
 * @param enabled       whether the schedule fires; {@code enabled: false} keeps it written but inactive (the
 *                      shipped scheduled runbooks say so: a scheduled change to a fleet is opted into)
 */
public record ScheduleSpec(String cron, ZoneId timezone, Duration jitter, MisfirePolicy misfire, boolean allowOverlap,
                           boolean allowSubMinute, boolean enabled) {

    public ScheduleSpec {
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(timezone, "timezone");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(misfire, "misfire");
        if (jitter.isNegative()) {
            throw new IllegalArgumentException("jitter must not be negative, was " + jitter);
        }
    }

    /** A short human form, like {@code 0 30 3 * * ? (Europe/Berlin)}. */
    public String describe() {
        return cron + " (" + timezone.getId() + ")";
    }
}
