package dev.quench.core.runbook;


/** Points the problems of a {@code triggers.schedule} at the line and column of the field they are about. */
final class ScheduleCheck {

    private ScheduleCheck() {
    }

    static void check(YamlNode schedule, ProblemList problems) {
        for (ScheduleSpecParser.Problem problem : ScheduleSpecParser.parse(schedule.toPlain()).problems()) {
            SourcePosition position = schedule.position();
            if (schedule instanceof YamlNode.Mapping mapping && mapping.entries().containsKey(problem.field())) {
                YamlNode.Entry entry = mapping.entries().get(problem.field());
                position = problem.message().startsWith("unknown field") ? entry.keyPosition()
                        : entry.value().position();
            }
            problems.add(position, problem.message());
        }
    }
}
