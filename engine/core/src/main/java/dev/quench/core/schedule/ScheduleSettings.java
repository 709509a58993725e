package dev.quench.core.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigSection;
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

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(Integer threads, Duration misfireThreshold) {
    }

    public ScheduleSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("schedule.threads must be at least 1, was " + threads);
        }
        if (misfireThreshold.isNegative() || misfireThreshold.isZero()) {
            throw new IllegalArgumentException("schedule.misfireThreshold must be positive, was " + misfireThreshold);
        }
    }

    /**
     * Binds the {@code schedule:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static ScheduleSettings from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> {
            if (keys.misfireThreshold() != null
                    && (keys.misfireThreshold().isNegative() || keys.misfireThreshold().isZero())) {
                throw section.invalid("misfireThreshold", "must be positive, got " + keys.misfireThreshold());
            }
            return new ScheduleSettings(section.atLeast("threads", keys.threads(), 1, DEFAULTS.threads()),
                    keys.misfireThreshold() != null ? keys.misfireThreshold() : DEFAULTS.misfireThreshold());
        }).orElse(DEFAULTS);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static ScheduleSettings from(JsonNode section) {
        return from(ConfigSection.of("schedule", section));
    }
}
