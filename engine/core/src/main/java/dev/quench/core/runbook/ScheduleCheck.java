package dev.quench.core.runbook;

import java.util.Optional;

/**
 * Parses a runbook's {@code triggers.schedule} into a {@link ScheduleSpec} once, at load, and points
 * each problem at the line and column of what it is about: the schedule, a field's name or its value.
 */
final class ScheduleCheck {

    private ScheduleCheck() {
    }

    /** The schedule, or empty when {@code problems} got at least one problem about it. */
    static Optional<ScheduleSpec> parse(YamlNode schedule, ProblemList problems) {
        ScheduleSpecParser.Result result = ScheduleSpecParser.parse(schedule.toPlain());
        for (ScheduleSpecParser.Problem problem : result.problems()) {
            problems.add(position(schedule, problem), problem.message());
        }
        return result.spec();
    }

    private static SourcePosition position(YamlNode schedule, ScheduleSpecParser.Problem problem) {
        if (!(schedule instanceof YamlNode.Mapping mapping) || !mapping.entries().containsKey(problem.field())) {
            return schedule.position();
        }
        YamlNode.Entry entry = mapping.entries().get(problem.field());
        return switch (problem.at()) {
            case SCHEDULE -> schedule.position();
            case KEY -> entry.keyPosition();
            case VALUE -> entry.value().position();
        };
    }
}
