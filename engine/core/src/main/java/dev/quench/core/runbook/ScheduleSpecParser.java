package dev.quench.core.runbook;

import dev.quench.core.util.DidYouMean;
import dev.quench.core.util.Durations;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Checks the plain YAML value of {@code triggers.schedule} and turns it into a {@link ScheduleSpec}.
 * Problems name the field they belong to, so the runbook loader can point at its line and column.
 * Thread-safe (stateless).
 */
public final class ScheduleSpecParser {

    /** The fields {@code triggers.schedule} may have. */
    public static final Set<String> FIELDS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of("cron", "timezone",
            "jitter", "misfire", "allowOverlap", "allowSubMinute", "enabled")));

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern SINGLE_SECOND = Pattern.compile("[0-9]{1,2}");

    private ScheduleSpecParser() {
    }

    /**
     * One problem in a schedule.
     *
     * @param field   the field it is about ({@code cron}, {@code timezone} ...), or empty for the schedule itself
     * @param at      which part of the written schedule is wrong, so a loader knows where to point
     * @param message what is wrong and what to write instead
     */
    public record Problem(String field, At at, String message) {

        public Problem {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(message, "message");
        }

        /** A problem with the value of {@code field}: the usual kind. */
        static Problem inValue(String field, String message) {
            return new Problem(field, At.VALUE, message);
        }
    }

    /** The part of a written schedule a {@link Problem} is about. */
    public enum At {
        /** The schedule as a whole: it is not a mapping, or lacks a field it needs. */
        SCHEDULE,
        /** A field's name: a field the schedule does not have. */
        KEY,
        /** A field's value. */
        VALUE
    }

    /** The outcome: a spec when there are no problems. */
    public record Result(Optional<ScheduleSpec> spec, List<Problem> problems) {
    }

    /**
     * Parses the plain value of {@code triggers.schedule} (a map from the YAML, or the options of a
     * Groovy runbook's {@code schedule}). Called once per runbook load: the runbook keeps the spec.
     */
    public static Result parse(Object raw) {
        List<Problem> problems = new ArrayList<>();
        if (!(raw instanceof Map<?, ?> fields)) {
            problems.add(new Problem("", At.SCHEDULE,
                    "triggers.schedule must be a mapping, like cron: \"0 30 3 * * ?\""));
            return new Result(Optional.empty(), problems);
        }
        for (Object key : fields.keySet()) {
            if (!FIELDS.contains(String.valueOf(key))) {
                String hint = DidYouMean.hint(String.valueOf(key), FIELDS);
                problems.add(new Problem(String.valueOf(key), At.KEY, "unknown field '" + key + "' in triggers.schedule"
                        + (hint.isEmpty() ? " (known fields: " + String.join(", ", FIELDS) + ")" : hint)));
            }
        }
        boolean allowSubMinute = flag(fields, "allowSubMinute", problems);
        boolean allowOverlap = flag(fields, "allowOverlap", problems);
        boolean enabled = !fields.containsKey("enabled") || flag(fields, "enabled", problems);
        String cron = checkCron(fields.get("cron"), allowSubMinute, problems);
        ZoneId zone = checkZone(fields.get("timezone"), problems);
        Duration jitter = checkJitter(fields.get("jitter"), problems);
        MisfirePolicy misfire = checkMisfire(fields.get("misfire"), problems);
        if (!problems.isEmpty()) {
            return new Result(Optional.empty(), List.copyOf(problems));
        }
        return new Result(Optional.of(new ScheduleSpec(cron, zone, jitter, misfire, allowOverlap, allowSubMinute,
                enabled)),
                List.of());
    }

    private static String checkCron(Object value, boolean allowSubMinute, List<Problem> problems) {
        if (value == null) {
            problems.add(new Problem("", At.SCHEDULE, "triggers.schedule needs cron:, a Quartz cron expression with seconds "
                    + "first, like cron: \"0 30 3 * * ?\" (03:30 every day)"));
            return null;
        }
        if (!(value instanceof String text) || text.isBlank()) {
            problems.add(Problem.inValue("cron", "cron must be text, like \"0 30 3 * * ?\"; found " + value));
            return null;
        }
        String cron = text.strip();
        String error = cronError(cron);
        if (!error.isEmpty()) {
            problems.add(Problem.inValue("cron", "invalid cron '" + cron + "': " + error
                    + ". Quartz cron has 6 or 7 fields, seconds first, and ? in day-of-month or day-of-week, "
                    + "like \"0 30 3 * * ?\""));
            return null;
        }
        String seconds = WHITESPACE.split(cron, 2)[0];
        if (!allowSubMinute && !SINGLE_SECOND.matcher(seconds).matches()) {
            problems.add(Problem.inValue("cron", "cron '" + cron + "' fires more than once a minute (seconds field '"
                    + seconds + "'): write one second, like \"0 */5 * * * ?\" for every 5 minutes, or set "
                    + "allowSubMinute: true if you really mean it"));
            return null;
        }
        return cron;
    }

    /** Outcomes of checking cron expressions: "" when valid, else Quartz's message. */
    private static final Map<String, String> CRON_ERRORS = new ConcurrentHashMap<>();
    private static final int CRON_ERRORS_MAX = 50_000;

    /**
     * Quartz's complaint about {@code cron}, or "" when it is valid. Remembered: 10,000 scheduled
     * runbooks usually share a few hundred crons, and checking one builds a whole CronExpression.
     */
    private static String cronError(String cron) {
        String known = CRON_ERRORS.get(cron);
        if (known != null) {
            return known;
        }
        String error;
        try {
            CronExpression.validateExpression(cron);
            error = "";
        } catch (ParseException e) {
            error = String.valueOf(e.getMessage());
        }
        if (CRON_ERRORS.size() >= CRON_ERRORS_MAX) {
            CRON_ERRORS.clear();
        }
        CRON_ERRORS.put(cron, error);
        return error;
    }

    private static ZoneId checkZone(Object value, List<Problem> problems) {
        if (value == null) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(String.valueOf(value).strip());
        } catch (DateTimeException e) {
            String hint = DidYouMean.hint(String.valueOf(value).strip(), ZoneId.getAvailableZoneIds());
            problems.add(Problem.inValue("timezone", "unknown timezone '" + value + "'"
                    + (hint.isEmpty() ? ": use an IANA zone like Europe/Berlin or America/New_York, or UTC" : hint)));
            return null;
        }
    }

    private static Duration checkJitter(Object value, List<Problem> problems) {
        if (value == null) {
            return Duration.ZERO;
        }
        try {
            return Durations.parse(String.valueOf(value).strip());
        } catch (IllegalArgumentException e) {
            problems.add(Problem.inValue("jitter", "invalid jitter '" + value + "': " + e.getMessage()));
            return null;
        }
    }

    private static MisfirePolicy checkMisfire(Object value, List<Problem> problems) {
        if (value == null) {
            return MisfirePolicy.RUN_ONCE;
        }
        Optional<MisfirePolicy> policy = MisfirePolicy.parse(String.valueOf(value));
        if (policy.isEmpty()) {
            problems.add(Problem.inValue("misfire", "unknown misfire policy '" + value
                    + "': use runOnce (run once when the engine is back) or skip"));
            return null;
        }
        return policy.get();
    }

    private static boolean flag(Map<?, ?> fields, String name, List<Problem> problems) {
        Object value = fields.get(name);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean bool) {
            return bool;
        }
        problems.add(Problem.inValue(name, name + " must be true or false, found " + value));
        return false;
    }
}
