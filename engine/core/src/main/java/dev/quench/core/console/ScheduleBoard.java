package dev.quench.core.console;

import dev.quench.core.schedule.ScheduleView;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The schedules screen's data: every schedule as {@code GET /api/v1/schedules} gives it (next fires, last
 * run, misfires, active or not), active ones first by next fire, then the inactive ones by name. Immutable.
 *
 * @param schedules the schedules in that order
 * @param active    how many fire
 * @param inactive  how many are written with {@code enabled: false}
 * @param misfires  the misfires recorded, over all schedules
 */
public record ScheduleBoard(List<ScheduleView> schedules, int active, int inactive, int misfires) {

    public ScheduleBoard {
        schedules = List.copyOf(schedules);
    }

    /** The board of {@code schedules} ({@code RunbookScheduler.schedules()}). */
    public static ScheduleBoard of(List<ScheduleView> schedules) {
        Objects.requireNonNull(schedules, "schedules");
        Comparator<ScheduleView> order = Comparator.comparing((ScheduleView view) -> !view.active())
                .thenComparing(view -> view.nextFires().isEmpty() ? java.time.Instant.MAX : view.nextFires().getFirst())
                .thenComparing(ScheduleView::runbook);
        List<ScheduleView> sorted = schedules.stream().sorted(order).toList();
        int active = (int) sorted.stream().filter(ScheduleView::active).count();
        return new ScheduleBoard(sorted, active, sorted.size() - active,
                sorted.stream().mapToInt(ScheduleView::misfires).sum());
    }
}
