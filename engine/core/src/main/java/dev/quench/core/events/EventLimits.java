package dev.quench.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigSection;
import java.time.Duration;

/**
 * How much the live events may cost: the {@code events:} section of {@code quench.yaml}. Immutable.
 *
 * @param runBuffer       events kept per running run for {@code Last-Event-ID} resume
 * @param endedRunBuffer  events kept per ended run (the last ones, so a late reader still gets the end)
 * @param endedRuns       ended runs whose events are kept; older ones answer from the store
 * @param engineBuffer    events of all runs kept for resuming {@code /api/v1/events}
 * @param linesPerSecond  output lines per run and second that become events, on average
 * @param lineBurst       output lines a run may write at once above that average
 * @param maxLineChars    characters of one line; the rest is cut and counted
 * @param readerQueue     events waiting for one reader; a reader further behind loses events and is told
 * @param maxStreams      event streams open at once on this engine; one more is refused with 503
 * @param heartbeat       how often an idle stream gets a comment, so proxies keep it open
 */
public record EventLimits(int runBuffer, int endedRunBuffer, int endedRuns, int engineBuffer, int linesPerSecond,
                          int lineBurst, int maxLineChars, int readerQueue, int maxStreams, Duration heartbeat) {

    public static final EventLimits DEFAULTS = new EventLimits(1000, 100, 256, 5000, 200, 1000, 2048, 2000, 64,
            Duration.ofSeconds(15));

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(Integer runBuffer, Integer endedRunBuffer, Integer endedRuns, Integer engineBuffer,
                          Integer linesPerSecond, Integer lineBurst, Integer maxLineChars, Integer readerQueue,
                          Integer maxStreams, Duration heartbeat) {
    }

    public EventLimits {
        if (runBuffer < 1 || endedRunBuffer < 1 || endedRuns < 0 || engineBuffer < 1 || linesPerSecond < 1
                || lineBurst < 1 || maxLineChars < 16 || readerQueue < 16 || maxStreams < 1
                || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("event limits out of range: " + this);
        }
    }

    /**
     * Binds the {@code events:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static EventLimits from(ConfigSection section) {
        EventLimits d = DEFAULTS;
        return section.bind(Section.class).map(keys -> {
            if (keys.heartbeat() != null && (keys.heartbeat().isNegative() || keys.heartbeat().isZero())) {
                throw section.invalid("heartbeat", "must be positive (a comment is sent this often on an idle "
                        + "stream), got " + dev.quench.core.util.Durations.format(keys.heartbeat()));
            }
            return new EventLimits(
                    section.atLeast("runBuffer", keys.runBuffer(), 1, d.runBuffer()),
                    section.atLeast("endedRunBuffer", keys.endedRunBuffer(), 1, d.endedRunBuffer()),
                    section.atLeast("endedRuns", keys.endedRuns(), 0, d.endedRuns()),
                    section.atLeast("engineBuffer", keys.engineBuffer(), 1, d.engineBuffer()),
                    section.atLeast("linesPerSecond", keys.linesPerSecond(), 1, d.linesPerSecond()),
                    section.atLeast("lineBurst", keys.lineBurst(), 1, d.lineBurst()),
                    section.atLeast("maxLineChars", keys.maxLineChars(), 16, d.maxLineChars()),
                    section.atLeast("readerQueue", keys.readerQueue(), 16, d.readerQueue()),
                    section.atLeast("maxStreams", keys.maxStreams(), 1, d.maxStreams()),
                    keys.heartbeat() != null ? keys.heartbeat() : d.heartbeat());
        }).orElse(DEFAULTS);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static EventLimits from(JsonNode section) {
        return from(ConfigSection.of("events", section));
    }

    /** These limits with another output line rate and burst. */
    public EventLimits withLineRate(int perSecond, int burst) {
        return new EventLimits(runBuffer, endedRunBuffer, endedRuns, engineBuffer, perSecond, burst, maxLineChars,
                readerQueue, maxStreams, heartbeat);
    }
}
