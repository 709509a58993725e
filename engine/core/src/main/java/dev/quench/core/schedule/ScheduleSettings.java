package dev.quench.core.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.util.Durations;
import java.time.Duration;

/**
 * The config's optional {@code schedule:} section.
 *
 * @param threads          Quartz worker threads (a fire only queues a run, so these only hand fires off, so they are cheap); also
 *                         how many triggers are acquired in one job store transaction; default 20
 * @param misfireThreshold how late a fire may be before it counts as a misfire; default 60s
 */
public record ScheduleSettings(int threads, Duration misfireThreshold) {

    public static final ScheduleSettings DEFAULTS = new ScheduleSettings(20, Duration.ofSeconds(60));

    public ScheduleSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("schedule.threads must be at least 1, was " + threads);
        }
        if (misfireThreshold.isNegative() || misfireThreshold.isZero()) {
            throw new IllegalArgumentException("schedule.misfireThreshold must be positive, was " + misfireThreshold);
        }
    }

    /** Reads the {@code schedule:} section, or the defaults when it is null. */
    public static ScheduleSettings from(JsonNode section) {
        if (section == null || section.isNull()) {
            return DEFAULTS;
        }
        int threads = section.path("threads").asInt(DEFAULTS.threads());
        Duration threshold = section.hasNonNull("misfireThreshold")
                ? Durations.parse(section.get("misfireThreshold").asText()) : DEFAULTS.misfireThreshold();
        return new ScheduleSettings(threads, threshold);
    }
}
